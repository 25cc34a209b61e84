import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';
import { mirrorImages } from './mirror-images.js';

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
  // One draw per image, in order, whether or not it is flipped (the stream stays the same).
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    const draws = Array.from({ length: batch.size }, () => rng.float() < p);
    return mirrorImages(batch, (n) => draws[n] as boolean);
  };
}
