import type { TrainableClassifier } from '@cnnkit/contracts';
import { DataLoader, type ImageDataset } from '@cnnkit/datasets';
import { AirbenchNet, createModel } from '@cnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type { RecipeSettings } from './recipe-settings.js';
import { evalTransformFor } from './recipe-transforms.js';

/**
 * A freshly initialised model of the recipe (`model`, `widths`), drawn from `seed`.
 * `numClasses` is passed on when it is not CIFAR-10's 10 (SimpleCNN has exactly 10).
 *
 * @example
 * ```ts
 * const net = createRecipeModel(RECIPES.fast, { seed: 0 });
 * net.parameters.length; // 14
 * net.dispose();
 * ```
 */
export function createRecipeModel(
  settings: RecipeSettings,
  { seed, numClasses = 10 }: { readonly seed: number; readonly numClasses?: number },
): TrainableClassifier {
  return createModel(settings.model, {
    seed,
    ...(numClasses !== 10 ? { numClasses } : {}),
    ...(settings.widths ? { widths: settings.widths } : {}),
  });
}

/**
 * The recipe's data-dependent initialisation, for a fresh run (not a resumed one): airbench's
 * whitening layer from the first `whiteningImages` training images (of the first `limit`),
 * normalised as the recipe evaluates, without augmentation. Models without a whitening layer,
 * and `whiteningImages: 0`, are left as they are. Resolves with the number of images used.
 *
 * @example
 * ```ts
 * const net = createRecipeModel(RECIPES.fast, { seed: 0 });
 * await initialiseFromData(net, { ...RECIPES.fast, whiteningImages: 100 }, data.train); // 100
 * net.dispose();
 * ```
 */
export async function initialiseFromData(
  model: TrainableClassifier,
  settings: RecipeSettings,
  train: ImageDataset,
  { limit }: { readonly limit?: number } = {},
): Promise<number> {
  if (!(model instanceof AirbenchNet) || settings.whiteningImages === 0) return 0;
  const count = Math.min(settings.whiteningImages, limit ?? train.count, train.count);
  const loader = new DataLoader(train, {
    batchSize: count,
    limit: count,
    transform: evalTransformFor(settings),
  });
  for await (const batch of loader.batches(0)) {
    const { size, height, width, channels } = batch;
    const images = tf.tensor4d(batch.pixels, [size, height, width, channels]);
    try {
      model.initWhitening(images, { eps: settings.whiteningEps });
    } finally {
      images.dispose();
    }
  }
  return count;
}
