import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';

/**
 * torchvision's `Compose`: runs the transforms left to right, all drawing from the same
 * per-batch generator, so the whole pipeline is reproducible from (seed, epoch, batch).
 *
 * @example
 * ```ts
 * const transform = compose(randomCrop(32, 4), randomHorizontalFlip(), toTensor(), normalize(0.5, 0.5));
 * ```
 */
export function compose(...transforms: readonly BatchTransform[]): BatchTransform {
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch =>
    transforms.reduce((current, transform) => transform(current, rng), batch);
}
