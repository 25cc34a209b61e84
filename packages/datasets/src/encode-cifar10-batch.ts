import {
  CIFAR10_CHANNELS,
  CIFAR10_HEIGHT,
  CIFAR10_NUM_CLASSES,
  CIFAR10_PLANE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_WIDTH,
} from './cifar10-format.js';

/**
 * Encodes 32×32 RGB images (HWC bytes, as in {@link ImageDataset}) and labels into the
 * CIFAR-10 binary record layout, the one the readers of this package decode. Used to cut
 * samples and to make test archives.
 *
 * @example
 * ```ts
 * const images = new Uint8Array(2 * 32 * 32 * 3);
 * const file = encodeCifar10Batch(images, Uint8Array.of(3, 7)); // 2 × 3,073 bytes
 * ```
 */
export function encodeCifar10Batch(images: Uint8Array, labels: ArrayLike<number>): Uint8Array {
  const imageBytes = CIFAR10_HEIGHT * CIFAR10_WIDTH * CIFAR10_CHANNELS;
  const count = labels.length;
  if (images.length !== count * imageBytes) {
    throw new Error(
      `encodeCifar10Batch: ${count} labels need ${count * imageBytes} image bytes (32×32×3 each), got ${images.length}.`,
    );
  }
  const out = new Uint8Array(count * CIFAR10_RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= CIFAR10_NUM_CLASSES) {
      throw new Error(`encodeCifar10Batch: label ${label} of image ${i} is not in 0–9.`);
    }
    const record = i * CIFAR10_RECORD_BYTES;
    out[record] = label;
    const image = i * imageBytes;
    for (let c = 0; c < CIFAR10_CHANNELS; c++) {
      const plane = record + 1 + c * CIFAR10_PLANE_BYTES;
      for (let p = 0; p < CIFAR10_PLANE_BYTES; p++) {
        out[plane + p] = images[image + p * CIFAR10_CHANNELS + c] as number;
      }
    }
  }
  return out;
}
