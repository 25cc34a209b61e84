import { largestBatchSize, RECIPES } from '@cnnkit/recipes';
import { expect, test } from 'vitest';
import { parseTrainSettings, RECIPE_FORM_DEFAULTS, SettingsError } from './train-settings.js';

const tutorial = {
  recipe: 'tutorial',
  start: 'seed',
  lr: '0.001',
  momentum: '0.9',
  batchSize: '4',
  epochs: '2',
  seed: '0',
  limit: '',
};

test('the tutorial defaults parse, an empty limit meaning all images', () => {
  expect(parseTrainSettings(tutorial, 2000)).toEqual({
    recipe: 'tutorial',
    start: 'seed',
    freezeFeatures: false,
    lr: 0.001,
    momentum: 0.9,
    batchSize: 4,
    epochs: 2,
    seed: 0,
    limit: null,
  });
  expect(parseTrainSettings({ ...tutorial, limit: '200' }, 2000).limit).toBe(200);
  expect(parseTrainSettings({ ...tutorial, limit: '2000' }, 2000).limit).toBe(2000);
});

test('every bad field is named in one message, and listed for the form', () => {
  const error = (() => {
    try {
      parseTrainSettings(
        { ...tutorial, lr: '0', batchSize: '2.5', momentum: 'x', limit: '-1' },
        2000,
      );
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(SettingsError);
  expect((error as SettingsError).message).toBe(
    'Fix the settings: learning rate must be a number > 0 (got "0"); momentum must be a number in [0, 1) (got "x"); batch size must be an integer from 1 to 1024 (got "2.5"); training images must be empty (all) or an integer from 1 to 2,000, the images loaded (got "-1").',
  );
  expect((error as SettingsError).fields).toEqual(['lr', 'momentum', 'batchSize', 'limit']);
});

test('more training images than the data has is a form error, not a failed run', () => {
  expect(() => parseTrainSettings({ ...tutorial, limit: '5000' }, 2000)).toThrow(
    'Fix the settings: training images must be empty (all) or an integer from 1 to 2,000, the images loaded (got "5000").',
  );
  // With the full data set loaded, the same value is fine.
  expect(parseTrainSettings({ ...tutorial, limit: '5000' }, 50_000).limit).toBe(5000);
});

const fast = {
  ...tutorial,
  recipe: 'fast',
  lr: '11.5',
  momentum: '0.85',
  batchSize: '512',
  epochs: '11',
};

test("the form's recipe defaults are @cnnkit/recipes' presets (the fast batch halved for a tab's memory)", () => {
  for (const name of ['tutorial', 'fast'] as const) {
    const form = RECIPE_FORM_DEFAULTS[name];
    const preset = RECIPES[name];
    expect([form.lr, form.momentum, form.epochs]).toEqual([
      preset.lr,
      preset.momentum,
      preset.epochs,
    ]);
  }
  expect(RECIPE_FORM_DEFAULTS.tutorial.batchSize).toBe(RECIPES.tutorial.batchSize);
  expect(RECIPE_FORM_DEFAULTS.fast.batchSize).toBe(RECIPES.fast.batchSize / 2);
});

test('fine-tuning: the trained start and the frozen features come with the fast recipe only', () => {
  const tuned = parseTrainSettings(
    { ...fast, start: 'airbench-cifar10', freezeFeatures: 'on' },
    2000,
  );
  expect([tuned.recipe, tuned.start, tuned.freezeFeatures]).toEqual([
    'fast',
    'airbench-cifar10',
    true,
  ]);
  // A ticked box means nothing for a run from the seed.
  expect(parseTrainSettings({ ...fast, freezeFeatures: 'on' }, 2000).freezeFeatures).toBe(false);
  expect(() => parseTrainSettings({ ...tutorial, start: 'airbench-cifar10' }, 2000)).toThrow(
    "Fix the settings: the weights trained on CIFAR-10 are AirbenchNet's: choose the fast recipe to start from them.",
  );
  expect(() => parseTrainSettings({ ...tutorial, recipe: 'huge' }, 2000)).toThrow(
    'recipe must be one of tutorial, fast (got "huge")',
  );
});

test('a fast batch larger than the training images is a form error (it drops the incomplete batch)', () => {
  let error: unknown;
  try {
    parseTrainSettings({ ...fast, limit: '300' }, 2000);
  } catch (e) {
    error = e;
  }
  expect((error as SettingsError).message).toBe(
    'Fix the settings: batch size must be at most the 300 training images with the fast recipe, which drops an incomplete last batch (got "512").',
  );
  expect((error as SettingsError).fields).toEqual(['batchSize']);
  // The tutorial keeps its last, smaller batch.
  expect(parseTrainSettings({ ...tutorial, batchSize: '512', limit: '300' }, 2000).batchSize).toBe(
    512,
  );
});

test("the form refuses exactly the batches @cnnkit/recipes' largestBatchSize refuses", () => {
  for (const form of [tutorial, fast]) {
    const preset = RECIPES[form.recipe as 'tutorial' | 'fast'];
    for (const batchSize of [299, 300, 301]) {
      const values = { ...form, batchSize: String(batchSize), limit: '300' };
      const accepted = batchSize <= largestBatchSize(preset, 300);
      if (accepted) expect(parseTrainSettings(values, 2000).batchSize).toBe(batchSize);
      else expect(() => parseTrainSettings(values, 2000)).toThrow(SettingsError);
    }
  }
});
