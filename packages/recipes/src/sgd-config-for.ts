import type { SgdConfig } from '@cnnkit/contracts';
import type { RecipeSettings } from './recipe-settings.js';

/**
 * The `SgdOptimizer` settings of a recipe, in torch's coupled form. `sgdForm: 'torch'` passes
 * `lr`, `momentum`, `nesterov` and `weightDecay` through (and BatchNorm biases get
 * `lrScale: biasLrScale` when it is not 1). `sgdForm: 'airbench'` converts airbench's decoupled
 * hyper-parameters as its `train` does: with `k = 1024·(1 + 1/(1 − momentum))`, torch's lr is
 * `lr/k`, the decay per step is `d = weightDecay·batchSize/k`, and each group's torch
 * `weight_decay` is `d` divided by the group's lr (BatchNorm biases: lr × `biasLrScale`) — so
 * `lr·weight_decay = d` for both.
 *
 * @example
 * ```ts
 * const config = sgdConfigFor(RECIPES.fast);
 * config.lr; // ≈ 0.001465
 * config.groups[0].lrScale; // 64
 * sgdConfigFor(RECIPES.tutorial); // { lr: 0.001, momentum: 0.9, nesterov: false, weightDecay: 0 }
 * ```
 */
export function sgdConfigFor(settings: RecipeSettings): SgdConfig {
  const { lr, momentum, nesterov, weightDecay, biasLrScale, batchSize } = settings;
  if (settings.sgdForm === 'torch') {
    return {
      lr,
      momentum,
      nesterov,
      weightDecay,
      ...(biasLrScale !== 1 ? { groups: [{ kinds: ['norm-bias'], lrScale: biasLrScale }] } : {}),
    };
  }
  const kilostep = 1024 * (1 + 1 / (1 - momentum));
  const torchLr = lr / kilostep;
  const decay = (weightDecay * batchSize) / kilostep;
  const biasLr = torchLr * biasLrScale;
  return {
    lr: torchLr,
    momentum,
    nesterov,
    weightDecay: decay / torchLr,
    groups: [{ kinds: ['norm-bias'], lrScale: biasLrScale, weightDecay: decay / biasLr }],
  };
}
