import { CIFAR10_CLASS_NAMES, CIFAR10_MEAN, CIFAR10_STD } from '@cnnkit/datasets';
import { describe, expect, it } from 'vitest';
import { RECIPES, recipeSettings } from './recipe-settings.js';
import { recipeModelOptions, recipeWeightsInfo } from './recipe-weights-info.js';

describe('recipeWeightsInfo', () => {
  it("describes the tutorial's SimpleCNN as the PyTorch tutorial trains it", () => {
    expect(recipeWeightsInfo(RECIPES.tutorial, { classNames: CIFAR10_CLASS_NAMES })).toEqual({
      model: 'simple-cnn',
      modelOptions: { numClasses: 10, imageSize: 32 },
      classNames: CIFAR10_CLASS_NAMES,
      inputShape: [32, 32, 3],
      normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
      resize: 'squash',
    });
  });

  it("records AirbenchNet's widths and CIFAR-10's statistics, and the image size and resize given", () => {
    const info = recipeWeightsInfo(recipeSettings('fast', { widths: [32, 64, 64] }), {
      classNames: ['cat', 'dog', 'fox'],
      imageSize: 64,
      resize: 'shorter-side',
    });
    expect(info.modelOptions).toEqual({ numClasses: 3, widths: [32, 64, 64] });
    expect(info.inputShape).toEqual([64, 64, 3]);
    expect(info.normalize).toEqual({ mean: CIFAR10_MEAN, std: CIFAR10_STD });
    expect(info.resize).toBe('shorter-side');
  });

  it('gives SimpleCNN its input size (its fc1 depends on it) and no other model one', () => {
    expect(recipeModelOptions(RECIPES.tutorial, { numClasses: 5, imageSize: 48 })).toEqual({
      numClasses: 5,
      imageSize: 48,
    });
    expect(
      recipeModelOptions(recipeSettings('fast', { model: 'resnet9', widths: null }), {
        numClasses: 5,
        imageSize: 48,
      }),
    ).toEqual({ numClasses: 5 });
  });
});
