import type { Cifar10Data } from '@cnnkit/datasets';
import { DataLoader } from '@cnnkit/datasets';
import { evalTransformFor, type RecipeSettings } from '@cnnkit/recipes';

/** Training images the per-epoch train accuracy is measured on. */
const TRAIN_EVAL_IMAGES = 2000;

/**
 * The first training images (up to 2,000 of those the run trains on), in order and without
 * augmentation, normalised as the recipe evaluates: what the per-epoch train accuracy uses.
 */
export function trainEvalLoader(
  data: Cifar10Data,
  recipe: RecipeSettings,
  imagesPerEpoch: number,
): DataLoader {
  return new DataLoader(data.train, {
    batchSize: 500,
    limit: Math.min(TRAIN_EVAL_IMAGES, imagesPerEpoch),
    transform: evalTransformFor(recipe),
  });
}
