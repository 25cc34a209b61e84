import {
  alternatingFlip,
  type BatchTransform,
  CIFAR10_MEAN,
  CIFAR10_STD,
  compose,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  randomTranslate,
  toTensor,
  tutorialTransform,
} from '@cnnkit/datasets';
import type { RecipeSettings } from './recipe-settings.js';

/**
 * The evaluation pipeline of a recipe: bytes to floats and its normalisation — the tutorial's
 * `Normalize(0.5, 0.5)` or CIFAR-10's channel mean and std.
 *
 * @example
 * ```ts
 * const testData = new DataLoader(data.test, { batchSize: 500, transform: evalTransformFor(RECIPES.fast) });
 * ```
 */
export function evalTransformFor(settings: RecipeSettings): BatchTransform {
  return settings.normalization === 'tutorial'
    ? tutorialTransform()
    : compose(toTensor(), normalize(CIFAR10_MEAN, CIFAR10_STD));
}

/**
 * The training pipeline of a recipe: its normalisation, after its augmentation when
 * `augment` is on — `'crop-flip'` (RandomCrop(`size`, padding 4) + RandomHorizontalFlip, as the
 * CLI's tutorial `--augment` always did) or `'flip-translate'` (airbench's alternating flip
 * and translation by up to `translate` pixels, on the bytes before normalising).
 *
 * @example
 * ```ts
 * const trainData = new DataLoader(data.train, {
 *   batchSize: 1024, shuffle: true, dropLast: true, seed: 0, transform: trainTransformFor(RECIPES.fast),
 * });
 * ```
 */
export function trainTransformFor(settings: RecipeSettings, size = 32): BatchTransform {
  if (!settings.augment) return evalTransformFor(settings);
  const normalization =
    settings.normalization === 'tutorial'
      ? normalize(0.5, 0.5)
      : normalize(CIFAR10_MEAN, CIFAR10_STD);
  if (settings.augmentation === 'crop-flip') {
    return compose(toTensor(), randomCrop(size, 4), randomHorizontalFlip(0.5), normalization);
  }
  return compose(alternatingFlip(), randomTranslate(settings.translate), toTensor(), normalization);
}
