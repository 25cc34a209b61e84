import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';

/**
 * torchvision's `RandomHorizontalFlip(p)`: mirrors each image left–right with probability `p`.
 * Works on byte and float batches and keeps the pixel type.
 *
 * @example
 * ```ts
 * const augment = compose(randomHorizontalFlip(0.5), toTensor());
 * ```
 */
export function randomHorizontalFlip(p = 0.5): BatchTransform {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${p}.`);
  }
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    const { height, width, channels } = batch;
    const pixels = batch.pixels.slice();
    const image = height * width * channels;
    for (let n = 0; n < batch.size; n++) {
      if (!(rng.float() < p)) continue;
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
  };
}
