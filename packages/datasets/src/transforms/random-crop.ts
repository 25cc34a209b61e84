import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';

/**
 * torchvision's `RandomCrop(size, padding)`: pads each image with `padding` zero pixels on
 * every side, then cuts a `size`×`size` window at a random position (one per image).
 * Works on byte and float batches and keeps the pixel type.
 *
 * @example
 * ```ts
 * const augment = compose(randomCrop(32, 4), randomHorizontalFlip(0.5), toTensor());
 * ```
 */
export function randomCrop(size: number, padding = 0): BatchTransform {
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`randomCrop: size must be a positive integer, got ${size}.`);
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`randomCrop: padding must be a non-negative integer, got ${padding}.`);
  }
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    const { height, width, channels } = batch;
    const paddedH = height + 2 * padding;
    const paddedW = width + 2 * padding;
    if (size > paddedH || size > paddedW) {
      throw new RangeError(
        `randomCrop: crop size ${size} is larger than the padded ${paddedH}×${paddedW} image; lower the size or raise the padding.`,
      );
    }
    const imageIn = height * width * channels;
    const imageOut = size * size * channels;
    const pixels =
      batch.pixels instanceof Float32Array
        ? new Float32Array(batch.size * imageOut)
        : new Uint8Array(batch.size * imageOut);
    for (let n = 0; n < batch.size; n++) {
      // Top first, then left, as torchvision draws them.
      const top = rng.int(paddedH - size + 1) - padding;
      const left = rng.int(paddedW - size + 1) - padding;
      for (let y = 0; y < size; y++) {
        const srcY = y + top;
        if (srcY < 0 || srcY >= height) continue; // zero padding: output stays 0
        for (let x = 0; x < size; x++) {
          const srcX = x + left;
          if (srcX < 0 || srcX >= width) continue;
          const src = n * imageIn + (srcY * width + srcX) * channels;
          const dst = n * imageOut + (y * size + x) * channels;
          for (let c = 0; c < channels; c++) pixels[dst + c] = batch.pixels[src + c] as number;
        }
      }
    }
    return { ...batch, pixels, height: size, width: size } as AnyImageBatch;
  };
}
