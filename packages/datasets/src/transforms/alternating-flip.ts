import { deriveSeed, type Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform, TransformContext } from '../types.js';
import { mirrorImages } from './mirror-images.js';

// Salt of the per-image flip stream: far beyond any epoch number, so deriveSeed(seed, SALT, i)
// never equals the loader's own deriveSeed(seed, epoch, batch).
const FLIP_STREAM = 0x666c6970; // "flip"

/** Whether image `index` is mirrored in even epochs (a fair coin per image, fixed by the seed). */
export function flippedInEvenEpochs(seed: number, index: number): boolean {
  return deriveSeed(seed, FLIP_STREAM, index) >>> 31 === 1;
}

/**
 * airbench's "alternating flip": each image is mirrored left–right at random once (a fair
 * coin per image, drawn from the loader's seed and the image's index), and in every odd
 * epoch all images are mirrored the other way — so over two epochs each image is seen both
 * ways, which trains better than a fresh random flip each epoch. Needs the
 * {@link TransformContext} that `DataLoader` passes (seed, epoch, image indices); works on
 * byte and float batches and keeps the pixel type. Draws nothing from `rng`, so adding it
 * does not change the other transforms' draws.
 *
 * @example
 * ```ts
 * const augment = compose(alternatingFlip(), randomTranslate(2), toTensor(), normalize(CIFAR10_MEAN, CIFAR10_STD));
 * const loader = new DataLoader(train, { batchSize: 1024, shuffle: true, dropLast: true, transform: augment });
 * ```
 */
export function alternatingFlip(): BatchTransform {
  return (batch: AnyImageBatch, _rng: Rng, context?: TransformContext): AnyImageBatch => {
    if (!context || context.indices.length !== batch.size) {
      throw new Error(
        'alternatingFlip needs the image indices and epoch that DataLoader passes to its transform; use it in a DataLoader pipeline.',
      );
    }
    const oddEpoch = context.epoch % 2 === 1;
    return mirrorImages(
      batch,
      (n) => flippedInEvenEpochs(context.seed, context.indices[n] as number) !== oddEpoch,
    );
  };
}
