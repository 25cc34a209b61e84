/**
 * Data for cnnkit: CIFAR-10's binary format from an archive's bytes or stream, image folders
 * (`root/<class>/<image>`, picked files or a streamed `.zip` / `.tar.gz`, decoded with the
 * browser's own decoders), torchvision-style batch transforms and augmentations, and a seeded,
 * resumable {@link DataLoader}. Browser and Node safe; file-system, sharp and download helpers
 * live in `@cnnkit/datasets/node`.
 *
 * @packageDocumentation
 */

export { CIFAR10_CLASS_NAMES } from './cifar10-format.js';
export { cifar10FromArchiveBytes } from './cifar10-from-archive-bytes.js';
export { cifar10FromArchiveStream } from './cifar10-from-archive-stream.js';
export { DataLoader } from './data-loader.js';
export { encodeCifar10Batch } from './encode-cifar10-batch.js';
export { browserImageDecoder } from './image-folder/browser-image-decoder.js';
export {
  type BrowserImageFolderOptions,
  imageFolderFromArchiveStream,
  imageFolderFromFiles,
  type PickedFile,
} from './image-folder/browser-image-folder.js';
export { type SourceRect, sourceRect } from './image-folder/cover-crop.js';
export type {
  DecodedImageCache,
  DecodeTarget,
  ImageDecoder,
  ImageFolderData,
  ImageFolderEntry,
  ImageFolderOptions,
  ImageFolderProgress,
  ImageFolderReport,
  ImageFolderSplit,
  ResizePolicy,
  SkippedFile,
} from './image-folder/image-folder-types.js';
export {
  type ImageFolderSource,
  type ImageFolderTools,
  loadImageFolder,
} from './image-folder/load-image-folder.js';
export { memoryImageCache } from './image-folder/memory-image-cache.js';
export { type RgbImage, resizeArea, rgbaToRgb } from './images/rgb-image.js';
export { alternatingFlip } from './transforms/alternating-flip.js';
export { CIFAR10_MEAN, CIFAR10_STD } from './transforms/cifar10-statistics.js';
export { type ColorJitterOptions, colorJitter } from './transforms/color-jitter.js';
export { compose } from './transforms/compose.js';
export { normalize } from './transforms/normalize.js';
export { randomCrop } from './transforms/random-crop.js';
export { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
export {
  type RandomResizedCropOptions,
  randomResizedCrop,
} from './transforms/random-resized-crop.js';
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
