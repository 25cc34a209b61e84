import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/recipes',
    names: [
      'RECIPES',
      'RECIPE_NAMES',
      'checkRecipeSettings',
      'createRecipeModel',
      'evalTransformFor',
      'initialiseFromData',
      'largestBatchSize',
      'recipeLoaders',
      'recipeModelOptions',
      'recipeNormalize',
      'recipeSettings',
      'recipeWeightsInfo',
      'sgdConfigFor',
      'startRecipeRun',
      'timeRecipeTraining',
      'trainTransformFor',
      'trainingMethodFor',
    ],
  },
});
