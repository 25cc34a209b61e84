import type { TrainableClassifier, TrainingMethod } from '@cnnkit/contracts';
import type { RecipeSettings } from './recipe-settings.js';

/** The name of airbench's whitening bias in the model's state_dict. */
const WHITENING_BIAS = 'whiten.bias';

/**
 * The `TrainingMethod` of a recipe for `model`: only the parts that differ from the plain
 * loop, so the tutorial's is `{}` (and its checkpoints are as before). The whitening bias is
 * frozen after `whiteningBiasEpochs` only when the model has one (`whiten.bias`).
 *
 * @example
 * ```ts
 * const method = trainingMethodFor(RECIPES.fast, model);
 * method.loss; // { labelSmoothing: 0.2, reduction: 'sum' }
 * Object.keys(trainingMethodFor(RECIPES.tutorial, model)).length; // 0
 * ```
 */
export function trainingMethodFor(
  settings: RecipeSettings,
  model: TrainableClassifier,
): TrainingMethod {
  const { labelSmoothing, lossReduction, lrSchedule, lookahead, whiteningBiasEpochs, tta } =
    settings;
  const hasWhiteningBias = model.parameters.some((p) => p.name === WHITENING_BIAS);
  return {
    ...(labelSmoothing !== 0 || lossReduction !== 'mean'
      ? { loss: { labelSmoothing, reduction: lossReduction } }
      : {}),
    ...(lrSchedule.type !== 'constant' ? { lrSchedule } : {}),
    ...(lookahead ? { lookahead } : {}),
    ...(whiteningBiasEpochs !== null && hasWhiteningBias
      ? { trainedForEpochs: { [WHITENING_BIAS]: whiteningBiasEpochs } }
      : {}),
    ...(tta !== 'none' ? { testTimeAugmentation: tta } : {}),
  };
}
