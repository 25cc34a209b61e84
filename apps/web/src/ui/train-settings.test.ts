import { expect, test } from 'vitest';
import { parseTrainSettings } from './train-settings.js';

const tutorial = {
  lr: '0.001',
  momentum: '0.9',
  batchSize: '4',
  epochs: '2',
  seed: '0',
  limit: '',
};

test('the tutorial defaults parse, an empty limit meaning all images', () => {
  expect(parseTrainSettings(tutorial)).toEqual({
    lr: 0.001,
    momentum: 0.9,
    batchSize: 4,
    epochs: 2,
    seed: 0,
    limit: null,
  });
  expect(parseTrainSettings({ ...tutorial, limit: '200' }).limit).toBe(200);
});

test('every bad field is named in one message', () => {
  expect(() =>
    parseTrainSettings({ ...tutorial, lr: '0', batchSize: '2.5', momentum: 'x', limit: '-1' }),
  ).toThrow(
    'Fix the settings: learning rate must be a number > 0 (got "0"); momentum must be a number in [0, 1) (got "x"); batch size must be an integer from 1 to 1024 (got "2.5"); training images must be empty (all) or an integer ≥ 1 (got "-1").',
  );
});
