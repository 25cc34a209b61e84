/**
 * CIFAR-10 for cnnkit: decode the official binary format, read a `.tar.gz` from bytes,
 * torchvision-style batch transforms and a seeded, resumable {@link DataLoader}. Browser and
 * Node safe; file-system and download helpers live in `@cnnkit/datasets/node`.
 *
 * @packageDocumentation
 */

export { assertSafeEntryPath } from './archive-entry-path.js';
export {
  CIFAR10_CHANNELS,
  CIFAR10_CLASS_NAMES,
  CIFAR10_DIRECTORY,
  CIFAR10_FILES,
  CIFAR10_HEIGHT,
  CIFAR10_META_FILE,
  CIFAR10_NUM_CLASSES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_TEST_FILE,
  CIFAR10_WIDTH,
  cifar10TrainFileName,
} from './cifar10-format.js';
export { cifar10FromArchiveBytes } from './cifar10-from-archive-bytes.js';
export { cifar10FromFiles } from './cifar10-from-files.js';
export { DataLoader } from './data-loader.js';
export { type DecodedCifar10Batch, decodeCifar10Batch } from './decode-cifar10-batch.js';
export { encodeCifar10Batch } from './encode-cifar10-batch.js';
export { type RgbImage, resizeArea, rgbaToRgb } from './images/rgb-image.js';
export { parseClassNames } from './parse-class-names.js';
export { readTarEntries } from './read-tar-entries.js';
export { compose } from './transforms/compose.js';
export { normalize } from './transforms/normalize.js';
export { randomCrop } from './transforms/random-crop.js';
export { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
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
} from './types.js';
