import { describe, expect, it } from 'vitest';
import {
  checkRecipeSettings,
  largestBatchSize,
  RECIPE_NAMES,
  RECIPES,
  recipeSettings,
} from './recipe-settings.js';

describe('recipes', () => {
  it('are complete and valid', () => {
    for (const name of RECIPE_NAMES) checkRecipeSettings(RECIPES[name]);
    expect(Object.keys(RECIPES.fast).sort()).toEqual(Object.keys(RECIPES.tutorial).sort());
  });

  it("keep airbench93's hyper-parameters in the fast recipe", () => {
    expect(RECIPES.fast).toMatchObject({
      model: 'airbench',
      widths: [64, 128, 128],
      epochs: 11,
      batchSize: 1024,
      lr: 11.5,
      momentum: 0.85,
      weightDecay: 0.0153,
      biasLrScale: 64,
      labelSmoothing: 0.2,
      lossReduction: 'sum',
      whiteningImages: 5000,
      whiteningBiasEpochs: 3,
      translate: 2,
      tta: 'mirror-translate',
    });
    expect(RECIPES.fast.lookahead?.decay).toBeCloseTo(0.7738, 4);
  });

  it('overrides single fields and drops the widths of another model', () => {
    expect(recipeSettings('fast', { epochs: 3 }).epochs).toBe(3);
    expect(recipeSettings('fast', { epochs: undefined }).epochs).toBe(11);
    expect(recipeSettings('fast', { model: 'resnet9' }).widths).toBeNull();
    expect(recipeSettings('tutorial', { model: 'airbench' }).widths).toBeNull();
    expect(recipeSettings('tutorial', { model: 'airbench', widths: [8, 8] }).widths).toEqual([
      8, 8,
    ]);
    // The presets themselves are not changed by overriding.
    expect(RECIPES.fast.epochs).toBe(11);
  });

  it('rejects settings that cannot train, naming the field and the value', () => {
    expect(() => recipeSettings('fast', { momentum: 1 })).toThrow(
      /momentum must be a number from 0 to 1, below 1 \(airbench divides by 1 − momentum\), got 1/,
    );
    expect(() => recipeSettings('tutorial', { widths: [8] })).toThrow(
      /widths must be null except for the airbench model, got \[8\]/,
    );
    expect(() => recipeSettings('fast', { lookahead: { every: 0, decay: 0.5, power: 3 } })).toThrow(
      /lookahead must be null or/,
    );
    expect(() =>
      recipeSettings('fast', { lrSchedule: { type: 'piecewise-linear', points: [[0, 1]] } }),
    ).toThrow(/lrSchedule: learning-rate schedule points/);
    expect(() => recipeSettings('nope' as 'fast')).toThrow(
      /Unknown recipe "nope"; choose one of tutorial, fast/,
    );
  });

  it('gives the largest batch that trains: the images when the recipe drops a last, smaller batch', () => {
    expect(largestBatchSize(RECIPES.fast, 2000)).toBe(2000);
    expect(largestBatchSize(recipeSettings('fast', { dropLast: false }), 2000)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(largestBatchSize(RECIPES.tutorial, 36)).toBe(Number.POSITIVE_INFINITY);
  });
});
