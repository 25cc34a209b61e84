import { CIFAR10_MEAN, CIFAR10_STD } from '@cnnkit/datasets';
import type { WeightsInfo } from '@cnnkit/models';
import type { RecipeSettings } from './recipe-settings.js';

/** The tutorial's `Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))`. */
const TUTORIAL_NORMALIZE = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;

/**
 * A recipe's normalisation as weights metadata records it (`cnnkit.normalize`): the tutorial's
 * 0.5 / 0.5, or CIFAR-10's channel mean and std.
 *
 * @example
 * ```ts
 * recipeNormalize('tutorial').mean; // [0.5, 0.5, 0.5]
 * ```
 */
export function recipeNormalize(
  normalization: RecipeSettings['normalization'],
): WeightsInfo['normalize'] {
  return normalization === 'tutorial'
    ? TUTORIAL_NORMALIZE
    : { mean: CIFAR10_MEAN, std: CIFAR10_STD };
}

/**
 * The `createModel` options of a recipe's model besides the seed, as weights metadata records
 * them: the number of classes, SimpleCNN's input size, AirbenchNet's widths.
 *
 * @example
 * ```ts
 * recipeModelOptions(RECIPES.fast, { numClasses: 3, imageSize: 32 }); // { numClasses: 3, widths: [64, 128, 128] }
 * ```
 */
export function recipeModelOptions(
  settings: Pick<RecipeSettings, 'model' | 'widths'>,
  data: { readonly numClasses: number; readonly imageSize: number },
): { readonly [key: string]: number | readonly number[] } {
  return {
    numClasses: data.numClasses,
    ...(settings.model === 'simple-cnn' ? { imageSize: data.imageSize } : {}),
    ...(settings.widths ? { widths: settings.widths } : {}),
  };
}

/**
 * What the weights of a model trained by a recipe say about it (`withWeightsInfo` writes it
 * into the file): the model and its options, the classes in output order, square RGB input of
 * `imageSize`, the recipe's normalisation and how other sizes are resized (default squash).
 *
 * @example
 * ```ts
 * const info = recipeWeightsInfo(RECIPES.fast, { classNames: ['cat', 'dog'] });
 * info.model; // 'airbench'
 * info.inputShape; // [32, 32, 3]
 * ```
 */
export function recipeWeightsInfo(
  settings: Pick<RecipeSettings, 'model' | 'widths' | 'normalization'>,
  data: {
    readonly classNames: readonly string[];
    readonly imageSize?: number;
    readonly resize?: WeightsInfo['resize'];
  },
): WeightsInfo {
  const { classNames, imageSize = 32, resize = 'squash' } = data;
  return {
    model: settings.model,
    modelOptions: recipeModelOptions(settings, { numClasses: classNames.length, imageSize }),
    classNames,
    inputShape: [imageSize, imageSize, 3],
    normalize: recipeNormalize(settings.normalization),
    resize,
  };
}
