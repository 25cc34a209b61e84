import type { NamedParameter, TrainableClassifier, TrainingMethod } from '@cnnkit/contracts';
import { type BatchTransform, DataLoader, type ImageDataset } from '@cnnkit/datasets';
import { describeModel, loadPretrainedWeights, type ReinitialisedTensor } from '@cnnkit/models';
import { LookaheadAveraging, SgdOptimizer } from '@cnnkit/trainer';
import { createRecipeModel, initialiseFromData } from './recipe-model.js';
import { largestBatchSize, type RecipeSettings } from './recipe-settings.js';
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
 * Throws a RangeError when the recipe drops an incomplete last batch and `batchSize` is more
 * than the training images (an epoch would have no batch).
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
  const trainImages = limit ?? train.count;
  if (settings.batchSize > largestBatchSize(settings, trainImages)) {
    // Otherwise every epoch would be empty and the run would end "trained" on nothing.
    const images = trainImages.toLocaleString('en-US');
    throw new RangeError(
      `batch size ${settings.batchSize.toLocaleString('en-US')} is more than the ${images} training images, and the ${settings.recipe} recipe drops an incomplete last batch: choose a batch size of at most ${images}.`,
    );
  }
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

/**
 * Where a run's weights start when not from the seed: trained weights to fine-tune, e.g.
 * `@cnnkit/airbench-cifar10`'s file or a `cnnkit train` result.
 */
export interface RecipeStartWeights {
  /** A `.safetensors` state_dict of the recipe's model (cnnkit's or PyTorch's names). */
  readonly bytes: Uint8Array;
  /**
   * Keep the seed's fresh classifier head even when its shape matches the file's: the data's
   * classes are other classes than the file's. (A head of another shape is always fresh.)
   */
  readonly reinitialiseHead?: boolean;
  /** Train the classifier head only; the loaded feature layers stay as they are. */
  readonly freezeFeatures?: boolean;
  /** Named in errors about the file. */
  readonly source?: string;
}

/** Everything `train` needs for a fresh run of a recipe. */
export interface RecipeRun {
  readonly settings: RecipeSettings;
  readonly model: TrainableClassifier;
  /** The parameters the optimizer updates: all, or the head with `freezeFeatures`. */
  readonly trained: readonly NamedParameter[];
  /** The head tensors that kept the seed's initialisation instead of the start weights'. */
  readonly reinitialised: readonly ReinitialisedTensor[];
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
 * from the data (airbench's whitening) — or, given `startWeights`, loaded from trained weights
 * for fine-tuning (the head fresh for other classes) — its optimizer and training method, and
 * the lookahead average (started from the initialised model). Pass the parts to `train`.
 *
 * @example
 * ```ts
 * const settings = recipeSettings('fast', { widths: [16, 32, 32], epochs: 1, batchSize: 8, whiteningImages: 64 });
 * const run = await startRecipeRun(settings, { train: data.train, test: data.test, seed: 0, limit: 16, testLimit: 20 });
 * const result = await train({ ...run, epochs: settings.epochs });
 * result.state.step; // 2
 * run.dispose();
 *
 * // Fine-tuning: the same model trained elsewhere, its head fresh for this data's classes.
 * const trained = createRecipeModel(settings, { seed: 1 });
 * const tuned = await startRecipeRun(settings, { train: data.train, test: data.test, seed: 0 }, {
 *   bytes: trained.saveWeights(),
 *   reinitialiseHead: true,
 *   freezeFeatures: true,
 * });
 * tuned.trained.map((p) => p.name); // ['head.weight']
 * tuned.reinitialised.map((t) => t.name); // ['head.weight']
 * tuned.dispose();
 * trained.dispose();
 * ```
 */
export async function startRecipeRun(
  settings: RecipeSettings,
  options: RecipeDataOptions,
  startWeights?: RecipeStartWeights,
): Promise<RecipeRun> {
  const { trainData, testData } = recipeLoaders(settings, options);
  const model = createRecipeModel(settings, {
    seed: options.seed,
    numClasses: options.train.classNames.length,
  });
  let reinitialised: readonly ReinitialisedTensor[] = [];
  const head = new Set(describeModel(settings.model, { seed: 0 }).head);
  try {
    if (startWeights) {
      reinitialised = loadPretrainedWeights(model, startWeights.bytes, {
        head: [...head],
        reinitialiseHead: startWeights.reinitialiseHead ?? false,
        modelName: settings.model,
        ...(startWeights.source !== undefined ? { source: startWeights.source } : {}),
      });
    } else {
      await initialiseFromData(model, settings, options.train, {
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
      });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  const trained = startWeights?.freezeFeatures
    ? model.parameters.filter((p) => head.has(p.name))
    : model.parameters;
  const optimizer = new SgdOptimizer(trained, sgdConfigFor(settings));
  const method = trainingMethodFor(settings, model);
  const averaging = method.lookahead
    ? LookaheadAveraging.forModel(model, method.lookahead)
    : undefined;
  return {
    settings,
    model,
    trained,
    reinitialised,
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
