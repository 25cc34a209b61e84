import {
  CIFAR10_CHANNELS,
  CIFAR10_NUM_CLASSES,
  CIFAR10_PLANE_BYTES,
  CIFAR10_RECORD_BYTES,
} from './cifar10-format.js';
import { formatCount } from './format-count.js';

/** Images (HWC bytes) and labels decoded from one CIFAR-10 binary file. */
export interface DecodedCifar10Batch {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

const IMAGE_BYTES = CIFAR10_CHANNELS * CIFAR10_PLANE_BYTES;

/**
 * Records in a CIFAR-10 binary file of `byteLength` bytes; throws one error naming `fileName`
 * when that is not a whole, non-zero number of records.
 */
export function cifar10RecordCount(byteLength: number, fileName: string): number {
  if (byteLength === 0 || byteLength % CIFAR10_RECORD_BYTES !== 0) {
    const problem =
      byteLength === 0
        ? 'is empty'
        : `size ${formatCount(byteLength)} bytes is not a multiple of ${formatCount(CIFAR10_RECORD_BYTES)} (record = 1 label byte + 3,072 pixel bytes)`;
    throw new Error(`${fileName}: ${problem}; the file is truncated or not CIFAR-10 binary.`);
  }
  return byteLength / CIFAR10_RECORD_BYTES;
}

/**
 * Decodes one CIFAR-10 binary file (`data_batch_N.bin`, `test_batch.bin`): records of
 * 1 label byte + the R, G and B planes of a 32×32 image, converted to channels-last.
 * Throws one error naming `fileName` when the size or a label is wrong.
 */
export function decodeCifar10Batch(bytes: Uint8Array, fileName: string): DecodedCifar10Batch {
  const count = cifar10RecordCount(bytes.length, fileName);
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * IMAGE_BYTES);
  decodeCifar10BatchInto(bytes, fileName, images, labels, 0);
  return { images, labels, count };
}

/**
 * Decodes `bytes` as {@link decodeCifar10Batch} does, writing its images and labels from image
 * `first` on into arrays that hold a whole split, so the split is never copied.
 */
export function decodeCifar10BatchInto(
  bytes: Uint8Array,
  fileName: string,
  images: Uint8Array,
  labels: Uint8Array,
  first: number,
): void {
  const count = cifar10RecordCount(bytes.length, fileName);
  for (let i = 0; i < count; i++) {
    const record = i * CIFAR10_RECORD_BYTES;
    const label = bytes[record] as number;
    if (label >= CIFAR10_NUM_CLASSES) {
      throw new Error(
        `${fileName}: record ${formatCount(i)} (byte offset ${formatCount(record)}) has label ${label}, but CIFAR-10 labels are 0–9; the file is corrupt or not CIFAR-10 binary.`,
      );
    }
    labels[first + i] = label;
    const image = (first + i) * IMAGE_BYTES;
    // The file stores planes (CHW); tfjs wants each pixel's R, G, B together (HWC).
    for (let c = 0; c < CIFAR10_CHANNELS; c++) {
      const plane = record + 1 + c * CIFAR10_PLANE_BYTES;
      for (let p = 0; p < CIFAR10_PLANE_BYTES; p++) {
        images[image + p * CIFAR10_CHANNELS + c] = bytes[plane + p] as number;
      }
    }
  }
}
