import type { Cifar10Data } from '@cnnkit/datasets';
import { DataLoader } from '@cnnkit/datasets';
import { evalTransformFor, type RecipeSettings, type recipeLoaders } from '@cnnkit/recipes';

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

/**
 * Refuses a run whose batches would be empty: the fast recipe drops each epoch's last,
 * smaller batch, so a batch larger than the training images trains on nothing.
 */
export function checkBatches(
  loaders: ReturnType<typeof recipeLoaders>,
  recipe: RecipeSettings,
  trainImages: number,
): void {
  if (loaders.trainData.batchesPerEpoch > 0) return;
  throw new Error(
    `batch size ${recipe.batchSize} is larger than the ${trainImages.toLocaleString('en-US')} training images, and the ${recipe.recipe} recipe drops an incomplete last batch: choose a batch size of at most ${trainImages.toLocaleString('en-US')}.`,
  );
}
