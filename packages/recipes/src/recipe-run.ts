import type { TrainableClassifier, TrainingMethod } from '@cnnkit/contracts';
import { type BatchTransform, DataLoader, type ImageDataset } from '@cnnkit/datasets';
import { LookaheadAveraging, SgdOptimizer } from '@cnnkit/trainer';
import { createRecipeModel, initialiseFromData } from './recipe-model.js';
import type { RecipeSettings } from './recipe-settings.js';
import { evalTransformFor, trainTransformFor } from './recipe-transforms.js';
import { sgdConfigFor } from './sgd-config-for.js';
import { trainingMethodFor } from './training-method-for.js';

/** Where a recipe's images come from and how many it uses. */
export interface RecipeDataOptions {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  /** Seeds the shuffle and augmentation (and, in {@link startRecipeRun}, the model). */
  readonly seed: number;
  /** Train on the first `limit` training images only. */
  readonly limit?: number;
  /** Evaluate on the first `testLimit` test images only. */
  readonly testLimit?: number;
  /** Images per evaluation batch; default 500. */
  readonly evalBatchSize?: number;
  /**
   * Replaces the recipe's training transform (default `trainTransformFor(settings, size)`):
   * e.g. an app's own augmentation of photos. It should normalise as the recipe does.
   */
  readonly trainTransform?: BatchTransform;
}

/**
 * A recipe's training and test loaders: shuffled, augmented (when the recipe says so) and
 * seeded training batches of `batchSize`, and the test set in order, normalised alike.
 *
 * @example
 * ```ts
 * const { trainData, testData } = recipeLoaders(RECIPES.tutorial, { train: data.train, test: data.test, seed: 0 });
 * trainData.batchesPerEpoch; // 500
 * ```
 */
export function recipeLoaders(
  settings: RecipeSettings,
  options: RecipeDataOptions,
): { readonly trainData: DataLoader; readonly testData: DataLoader } {
  const { train, test, seed, limit, testLimit, evalBatchSize = 500, trainTransform } = options;
  return {
    trainData: new DataLoader(train, {
      batchSize: settings.batchSize,
      shuffle: true,
      seed,
      dropLast: settings.dropLast,
      ...(limit !== undefined ? { limit } : {}),
      transform: trainTransform ?? trainTransformFor(settings, train.height),
    }),
    testData: new DataLoader(test, {
      batchSize: evalBatchSize,
      ...(testLimit !== undefined ? { limit: testLimit } : {}),
      transform: evalTransformFor(settings),
    }),
  };
}

/** Everything `train` needs for a fresh run of a recipe. */
export interface RecipeRun {
  readonly settings: RecipeSettings;
  readonly model: TrainableClassifier;
  readonly optimizer: SgdOptimizer;
  readonly method: TrainingMethod;
  /** Present when the recipe uses lookahead. */
  readonly averaging?: LookaheadAveraging;
  readonly trainData: DataLoader;
  readonly testData: DataLoader;
  /** Releases the model, the optimizer's buffers and the average. */
  dispose(): void;
}

/**
 * Sets up a fresh run of a recipe: its loaders, its model drawn from `seed` and initialised
 * from the data (airbench's whitening), its optimizer and training method, and the lookahead
 * average (started from the initialised model). Pass the parts to `train`.
 *
 * @example
 * ```ts
 * const settings = recipeSettings('fast', { widths: [16, 32, 32], epochs: 1, batchSize: 8, whiteningImages: 64 });
 * const run = await startRecipeRun(settings, { train: data.train, test: data.test, seed: 0, limit: 16, testLimit: 20 });
 * const result = await train({ ...run, epochs: settings.epochs });
 * result.state.step; // 2
 * run.dispose();
 * ```
 */
export async function startRecipeRun(
  settings: RecipeSettings,
  options: RecipeDataOptions,
): Promise<RecipeRun> {
  const { trainData, testData } = recipeLoaders(settings, options);
  const model = createRecipeModel(settings, {
    seed: options.seed,
    numClasses: options.train.classNames.length,
  });
  try {
    await initialiseFromData(model, settings, options.train, {
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const optimizer = new SgdOptimizer(model.parameters, sgdConfigFor(settings));
  const method = trainingMethodFor(settings, model);
  const averaging = method.lookahead
    ? LookaheadAveraging.forModel(model, method.lookahead)
    : undefined;
  return {
    settings,
    model,
    optimizer,
    method,
    ...(averaging ? { averaging } : {}),
    trainData,
    testData,
    dispose() {
      averaging?.dispose();
      optimizer.dispose();
      model.dispose();
    },
  };
}
