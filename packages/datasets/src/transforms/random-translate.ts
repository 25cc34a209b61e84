import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';

/** PyTorch's 'reflect' padding: index -1 reads 1, index n reads n − 2 (the edge is not repeated). */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * airbench's "translate": each image is shifted by a random whole number of pixels in
 * `[-maxShift, maxShift]` down and across (independently, uniform), the uncovered border
 * filled by reflection — a random crop of the same size from the image reflect-padded by
 * `maxShift` (`F.pad(x, (r, r, r, r), 'reflect')`, then a window at a random offset), as
 * torchvision's `RandomCrop(size, padding=r, padding_mode='reflect')`. Draws the vertical,
 * then the horizontal shift of each image from `rng`. Works on byte and float batches and
 * keeps the pixel type; `maxShift` must be smaller than the image's sides.
 *
 * @example
 * ```ts
 * const augment = compose(randomTranslate(2), toTensor());
 * ```
 */
export function randomTranslate(maxShift: number): BatchTransform {
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new RangeError(
      `randomTranslate: maxShift must be a non-negative integer, got ${maxShift}; airbench uses 2.`,
    );
  }
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    const { height, width, channels } = batch;
    if (maxShift >= height || maxShift >= width) {
      throw new RangeError(
        `randomTranslate: a shift of ${maxShift} needs images larger than ${maxShift} pixels, got ${height}×${width}; lower maxShift.`,
      );
    }
    const image = height * width * channels;
    const pixels =
      batch.pixels instanceof Float32Array
        ? new Float32Array(batch.pixels.length)
        : new Uint8Array(batch.pixels.length);
    const span = 2 * maxShift + 1;
    for (let n = 0; n < batch.size; n++) {
      const dy = rng.int(span) - maxShift;
      const dx = rng.int(span) - maxShift;
      for (let y = 0; y < height; y++) {
        const srcRow = n * image + reflect(y + dy, height) * width * channels;
        const dstRow = n * image + y * width * channels;
        for (let x = 0; x < width; x++) {
          const src = srcRow + reflect(x + dx, width) * channels;
          const dst = dstRow + x * channels;
          for (let c = 0; c < channels; c++) pixels[dst + c] = batch.pixels[src + c] as number;
        }
      }
    }
    return { ...batch, pixels } as AnyImageBatch;
  };
}
