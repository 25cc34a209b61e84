import type { BatchSource, ImageBatch } from '@cnnkit/contracts';
import { deriveSeed, Rng } from '@cnnkit/random';
import { TINY_IMAGE } from './tiny-classifier.js';

/** Test-only image set: random pixels whose class is decided by a seeded rule. */
export interface MemoryImages {
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

const IMAGE_SIZE = TINY_IMAGE.height * TINY_IMAGE.width * TINY_IMAGE.channels;

/** `count` images of {@link TINY_IMAGE} shape; the label depends on where the pixel mass is. */
export function makeImages(count: number, seed: number, numClasses = 3): MemoryImages {
  const rng = new Rng(seed);
  const pixels = new Float32Array(count * IMAGE_SIZE);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.int(numClasses);
    labels[i] = label;
    for (let j = 0; j < IMAGE_SIZE; j++) {
      const bright = j % numClasses === label ? 0.6 : 0;
      pixels[i * IMAGE_SIZE + j] = bright + rng.uniform(0, 0.4);
    }
  }
  return { pixels, labels, count };
}

/**
 * An in-memory BatchSource like @cnnkit/datasets' DataLoader: the order of epoch e depends
 * only on (seed, e), so a resumed run sees the same batches.
 */
export class MemoryBatchSource implements BatchSource {
  readonly batchesPerEpoch: number;
  readonly imagesPerEpoch: number;

  constructor(
    private readonly images: MemoryImages,
    private readonly batchSize: number,
    private readonly seed: number | undefined,
  ) {
    this.batchesPerEpoch = Math.ceil(images.count / batchSize);
    this.imagesPerEpoch = images.count;
  }

  async *batches(epoch: number, startBatch = 0): AsyncIterable<ImageBatch> {
    const order = Array.from({ length: this.images.count }, (_, i) => i);
    if (this.seed !== undefined) new Rng(deriveSeed(this.seed, epoch)).shuffle(order);
    for (let b = startBatch; b < this.batchesPerEpoch; b++) {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      const pixels = new Float32Array(indices.length * IMAGE_SIZE);
      const labels = new Int32Array(indices.length);
      indices.forEach((source, k) => {
        pixels.set(
          this.images.pixels.subarray(source * IMAGE_SIZE, (source + 1) * IMAGE_SIZE),
          k * IMAGE_SIZE,
        );
        labels[k] = this.images.labels[source] as number;
      });
      yield { pixels, labels, size: indices.length, ...TINY_IMAGE };
    }
  }
}
