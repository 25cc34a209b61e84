/**
 * CIFAR-10 for cnnkit: read the official binary format from an archive's bytes or stream,
 * torchvision-style batch transforms and a seeded, resumable {@link DataLoader}. Browser and
 * Node safe; file-system and download helpers live in `@cnnkit/datasets/node`.
 *
 * @packageDocumentation
 */

export { CIFAR10_CLASS_NAMES } from './cifar10-format.js';
export { cifar10FromArchiveBytes } from './cifar10-from-archive-bytes.js';
export { cifar10FromArchiveStream } from './cifar10-from-archive-stream.js';
export { DataLoader } from './data-loader.js';
export { encodeCifar10Batch } from './encode-cifar10-batch.js';
export { type RgbImage, resizeArea, rgbaToRgb } from './images/rgb-image.js';
export { alternatingFlip } from './transforms/alternating-flip.js';
export { CIFAR10_MEAN, CIFAR10_STD } from './transforms/cifar10-statistics.js';
export { compose } from './transforms/compose.js';
export { normalize } from './transforms/normalize.js';
export { randomCrop } from './transforms/random-crop.js';
export { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
export { randomTranslate } from './transforms/random-translate.js';
export { toTensor } from './transforms/to-tensor.js';
export { tutorialTransform } from './transforms/tutorial-transform.js';
export type {
  AnyImageBatch,
  BatchTransform,
  ByteImageBatch,
  Cifar10Data,
  DataLoaderOptions,
  ImageBatch,
  ImageDataset,
  TransformContext,
} from './types.js';
