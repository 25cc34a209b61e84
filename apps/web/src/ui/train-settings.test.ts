import { expect, test } from 'vitest';
import { parseTrainSettings, SettingsError } from './train-settings.js';

const tutorial = {
  lr: '0.001',
  momentum: '0.9',
  batchSize: '4',
  epochs: '2',
  seed: '0',
  limit: '',
};

test('the tutorial defaults parse, an empty limit meaning all images', () => {
  expect(parseTrainSettings(tutorial, 2000)).toEqual({
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
