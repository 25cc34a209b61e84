import { describe, expect, it } from 'vitest';
import { RECIPES, recipeSettings } from './recipe-settings.js';
import { sgdConfigFor } from './sgd-config-for.js';

describe('sgdConfigFor', () => {
  it("converts airbench's decoupled hyper-parameters as airbench does", () => {
    // scripts/pytorch/fast_recipe.py torch_sgd_settings(11.5, 0.85, 0.0153, 64, 1024), which
    // follows airbench's utils.train: the same doubles.
    expect(sgdConfigFor(RECIPES.fast)).toEqual({
      lr: 0.0014648437500000002,
      momentum: 0.85,
      nesterov: true,
      weightDecay: 1.3623652173913041,
      groups: [{ kinds: ['norm-bias'], lrScale: 64, weightDecay: 0.021286956521739127 }],
    });
    // The decay per step (lr · weight_decay) is the same for both groups, and scales with the batch.
    const half = sgdConfigFor(recipeSettings('fast', { batchSize: 512 }));
    expect(half.weightDecay).toBeCloseTo(0.6811826086956521, 15);
    const [biases] = half.groups ?? [];
    expect(half.lr * 64 * (biases?.weightDecay as number)).toBeCloseTo(
      half.lr * (half.weightDecay as number),
      15,
    );
  });

  it("passes the tutorial's torch settings through, without groups", () => {
    expect(sgdConfigFor(RECIPES.tutorial)).toEqual({
      lr: 0.001,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0,
    });
    expect(sgdConfigFor(recipeSettings('tutorial', { biasLrScale: 8 })).groups).toEqual([
      { kinds: ['norm-bias'], lrScale: 8 },
    ]);
  });
});
