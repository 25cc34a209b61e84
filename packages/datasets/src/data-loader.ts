import type { BatchSource } from '@cnnkit/contracts';
import { deriveSeed, Rng } from '@cnnkit/random';
import { toTensor } from './transforms/to-tensor.js';
import type {
  BatchTransform,
  ByteImageBatch,
  DataLoaderOptions,
  ImageBatch,
  ImageDataset,
} from './types.js';

/**
 * Yields float32 NHWC batches of an {@link ImageDataset}, like PyTorch's `DataLoader`. The
 * data set stays in memory once as bytes; each batch is copied and transformed on demand.
 *
 * Reproducible and resumable: epoch `e` visits images in the order of a permutation drawn
 * from `deriveSeed(seed, e)` (a new order every epoch when `shuffle` is on), and the
 * transforms of batch `b` draw from `new Rng(deriveSeed(seed, e, b))` and also get the seed,
 * the epoch and the images' indices (for per-image augmentations such as `alternatingFlip`). So
 * `batches(e, b)` yields exactly what `batches(e)` yields from its batch `b` on.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 4, shuffle: true, seed: 0, transform: tutorialTransform() });
 * for await (const batch of loader.batches(0)) {
 *   // batch.pixels: Float32Array of 4 × 32 × 32 × 3, batch.labels: Int32Array of 4
 * }
 * ```
 */
export class DataLoader implements BatchSource {
  /** Batches each epoch yields. */
  readonly batchesPerEpoch: number;
  /** Images each epoch yields (fewer than the data set when `dropLast` drops a batch). */
  readonly imagesPerEpoch: number;
  private readonly dataset: ImageDataset;
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private readonly seed: number;
  private readonly transform: BatchTransform;
  private readonly imageCount: number;

  constructor(dataset: ImageDataset, options: DataLoaderOptions) {
    const { batchSize, shuffle = false, seed = 0, dropLast = false, limit } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}.`);
    }
    if (!Number.isInteger(seed)) {
      throw new RangeError(`DataLoader: seed must be an integer, got ${seed}.`);
    }
    const imageBytes = dataset.height * dataset.width * dataset.channels;
    if (
      dataset.images.length !== dataset.count * imageBytes ||
      dataset.labels.length !== dataset.count
    ) {
      throw new RangeError(
        `DataLoader: data set of ${dataset.count} images of ${dataset.height}×${dataset.width}×${dataset.channels} needs ${dataset.count * imageBytes} image bytes and ${dataset.count} labels, got ${dataset.images.length} and ${dataset.labels.length}.`,
      );
    }
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0 || limit > dataset.count)) {
      throw new RangeError(
        `DataLoader: limit must be an integer from 1 to the data set size ${dataset.count}, got ${limit}.`,
      );
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.transform = options.transform ?? toTensor();
    this.imageCount = limit ?? dataset.count;
    this.batchesPerEpoch = dropLast
      ? Math.floor(this.imageCount / batchSize)
      : Math.ceil(this.imageCount / batchSize);
    this.imagesPerEpoch = dropLast ? this.batchesPerEpoch * batchSize : this.imageCount;
  }

  /**
   * The batches of epoch `epoch` (0-based), starting at batch `startBatch` (to resume a run).
   */
  async *batches(epoch: number, startBatch = 0): AsyncIterable<ImageBatch> {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new RangeError(
        `DataLoader.batches: epoch must be a non-negative integer, got ${epoch}.`,
      );
    }
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > this.batchesPerEpoch) {
      throw new RangeError(
        `DataLoader.batches: startBatch must be an integer from 0 to ${this.batchesPerEpoch} (batches per epoch), got ${startBatch}.`,
      );
    }
    const order = this.epochOrder(epoch);
    for (let b = startBatch; b < this.batchesPerEpoch; b++) {
      const first = b * this.batchSize;
      const indices = order.subarray(first, Math.min(first + this.batchSize, this.imagesPerEpoch));
      const transformed = this.transform(
        this.gather(indices),
        new Rng(deriveSeed(this.seed, epoch, b)),
        { seed: this.seed, epoch, indices },
      );
      if (!(transformed.pixels instanceof Float32Array)) {
        throw new TypeError(
          'DataLoader: the transform pipeline returned byte pixels; end it with toTensor() (and normalize() if wanted).',
        );
      }
      yield transformed as ImageBatch;
    }
  }

  private epochOrder(epoch: number): Uint32Array {
    if (this.shuffle) return new Rng(deriveSeed(this.seed, epoch)).permutation(this.imageCount);
    return Uint32Array.from({ length: this.imageCount }, (_, i) => i);
  }

  private gather(indices: Uint32Array): ByteImageBatch {
    const { height, width, channels, images, labels } = this.dataset;
    const imageBytes = height * width * channels;
    const pixels = new Uint8Array(indices.length * imageBytes);
    const batchLabels = new Int32Array(indices.length);
    indices.forEach((index, i) => {
      pixels.set(images.subarray(index * imageBytes, (index + 1) * imageBytes), i * imageBytes);
      batchLabels[i] = labels[index] as number;
    });
    return { pixels, labels: batchLabels, size: indices.length, height, width, channels };
  }
}
