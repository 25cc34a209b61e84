import { expect, test } from 'vitest';
import {
  accuracyScales,
  accuracySummary,
  lossSummary,
  speedSummary,
  tableRowIndices,
} from './chart-text.js';

test('a long series is listed by evenly spread rows, first and last included', () => {
  expect(tableRowIndices(3, 10)).toEqual([0, 1, 2]);
  expect(tableRowIndices(101, 5)).toEqual([0, 25, 50, 75, 100]);
  expect(tableRowIndices(12_500, 20)).toHaveLength(20);
  expect(tableRowIndices(12_500, 20).at(-1)).toBe(12_499);
  expect(tableRowIndices(0, 20)).toEqual([]);
});

test('each chart has a one-sentence summary of what it draws', () => {
  expect(lossSummary([], [], [])).toBe('Training loss per batch: no batches yet.');
  expect(lossSummary([1, 2, 3], [2.3, 0.9, 1.5], [2.3, 2.27, 2.25])).toBe(
    'Training loss per batch: 3 batches; last 1.500 (smoothed 2.250), lowest 0.900 at step 2.',
  );
  expect(accuracySummary([1, 2], [15.24, 30], [15.81, 29.5])).toBe(
    'Accuracy per epoch: epoch 1 train 15.2 %, test 15.8 %; epoch 2 train 30.0 %, test 29.5 %.',
  );
  expect(speedSummary([250, 500], [480.2, 530.7])).toBe(
    'Training speed: 2 measurements; last 531 images/s at step 500, from 480 images/s to 531 images/s.',
  );
});

test('the accuracy chart spans 0–100 % and the whole run, even after one epoch', () => {
  expect(accuracyScales(1)).toEqual({ x: [0.5, 1.5], y: [0, 100] });
  expect(accuracyScales(5)).toEqual({ x: [1, 5], y: [0, 100] });
});
