import type { AnyImageBatch } from '../types.js';

/**
 * A copy of `batch` with the images for which `mirrored(n)` is true flipped left–right; the
 * pixel type is kept.
 */
export function mirrorImages(
  batch: AnyImageBatch,
  mirrored: (n: number) => boolean,
): AnyImageBatch {
  const { height, width, channels } = batch;
  const pixels = batch.pixels.slice();
  const image = height * width * channels;
  for (let n = 0; n < batch.size; n++) {
    if (!mirrored(n)) continue;
    for (let y = 0; y < height; y++) {
      const row = n * image + y * width * channels;
      for (let x = 0; x < width; x++) {
        const src = row + (width - 1 - x) * channels;
        const dst = row + x * channels;
        for (let c = 0; c < channels; c++) pixels[dst + c] = batch.pixels[src + c] as number;
      }
    }
  }
  return { ...batch, pixels } as AnyImageBatch;
}
