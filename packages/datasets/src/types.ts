import type { ImageBatch } from '@cnnkit/contracts';
import type { Rng } from '@cnnkit/random';

// The loader's output type is the shared contract (what a trainer consumes).
export type { ImageBatch };

/**
 * Images held once in memory as bytes, channels-last: image `i` occupies
 * `images[i*height*width*channels … (i+1)*height*width*channels)` in H, W, C order (NHWC).
 */
export interface ImageDataset {
  /** count × height × width × channels bytes, HWC per image. */
  readonly images: Uint8Array;
  /** One class index per image. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Name of each class, indexed by label. */
  readonly classNames: readonly string[];
}

/** The official CIFAR-10 split. */
export interface Cifar10Data {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}

/** A batch still in bytes, before {@link toTensor}; what a transform pipeline starts from. */
export interface ByteImageBatch {
  /** size × height × width × channels bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Either kind of batch: transforms such as random crops work on both. */
export type AnyImageBatch = ImageBatch | ByteImageBatch;

/**
 * Where a batch comes from, as {@link DataLoader} tells its transforms: for augmentations that
 * depend on the image or the epoch rather than on a fresh draw (airbench's alternating flip).
 */
export interface TransformContext {
  /** The loader's seed. */
  readonly seed: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** Index in the data set of each image of the batch, in batch order. */
  readonly indices: Uint32Array;
}

/**
 * One step of a pipeline. It returns a new batch and never changes its input; all randomness
 * comes from `rng`, which the loader derives from (seed, epoch, batch index), or from
 * `context` (seed, epoch and the images' indices), which the loader passes too.
 */
export type BatchTransform = (
  batch: AnyImageBatch,
  rng: Rng,
  context?: TransformContext,
) => AnyImageBatch;

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Images per batch (a positive integer). */
  readonly batchSize: number;
  /** Visit images in a new seeded random order every epoch (default false, as in PyTorch). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle and of the augmentation (default 0). */
  readonly seed?: number;
  /** Drop the last batch when it would be smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Pipeline applied to every batch (default {@link toTensor}); it must end with float pixels. */
  readonly transform?: BatchTransform;
  /** Use only the first `limit` images of the data set. */
  readonly limit?: number;
}
