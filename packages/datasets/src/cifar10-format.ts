/** CIFAR-10 images are 32×32 RGB. */
export const CIFAR10_HEIGHT = 32;
export const CIFAR10_WIDTH = 32;
export const CIFAR10_CHANNELS = 3;
/** Bytes of one image plane (one colour channel). */
export const CIFAR10_PLANE_BYTES = CIFAR10_HEIGHT * CIFAR10_WIDTH;
/** A binary record: 1 label byte, then the R, G and B planes. */
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_CHANNELS * CIFAR10_PLANE_BYTES;
export const CIFAR10_NUM_CLASSES = 10;
/** Records in every file of the full official data set. */
export const CIFAR10_RECORDS_PER_FILE = 10_000;
/** The official archive has data_batch_1.bin … data_batch_5.bin. */
export const CIFAR10_TRAIN_FILE_COUNT = 5;
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_META_FILE = 'batches.meta.txt';
/** Directory the official archive unpacks into. */
export const CIFAR10_DIRECTORY = 'cifar-10-batches-bin';

/**
 * `data_batch_1.bin` for n = 1.
 */
export function cifar10TrainFileName(n: number): string {
  return `data_batch_${n}.bin`;
}

/** Every file of the full official layout, in reading order. */
export const CIFAR10_FILES: readonly string[] = [
  ...Array.from({ length: CIFAR10_TRAIN_FILE_COUNT }, (_, i) => cifar10TrainFileName(i + 1)),
  CIFAR10_TEST_FILE,
  CIFAR10_META_FILE,
];

/** Class names of CIFAR-10 in label order, as in the official batches.meta.txt. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
