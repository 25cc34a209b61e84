/**
 * Named training recipes for cnnkit: every hyper-parameter of a run in one JSON object
 * (`RecipeSettings`), the built-in presets (`tutorial`, the PyTorch CIFAR-10 tutorial; `fast`,
 * airbench93), and the functions that turn settings into a model, data pipelines, an
 * optimizer and a training method for `@cnnkit/trainer`'s `train`. Browser and Node safe.
 *
 * @packageDocumentation
 */
export { createRecipeModel, initialiseFromData } from './recipe-model.js';
export {
  type RecipeDataOptions,
  type RecipeRun,
  type RecipeStartWeights,
  recipeLoaders,
  startRecipeRun,
} from './recipe-run.js';
export {
  checkRecipeSettings,
  largestBatchSize,
  RECIPE_NAMES,
  RECIPES,
  type RecipeName,
  type RecipeSettings,
  recipeSettings,
} from './recipe-settings.js';
export { evalTransformFor, trainTransformFor } from './recipe-transforms.js';
export { recipeModelOptions, recipeNormalize, recipeWeightsInfo } from './recipe-weights-info.js';
export { sgdConfigFor } from './sgd-config-for.js';
export {
  type TrainingTiming,
  type TrainingTimingOptions,
  timeRecipeTraining,
} from './time-recipe-training.js';
export { trainingMethodFor } from './training-method-for.js';
