import { expect, test } from 'vitest';
import { topK } from './top-k.js';

test('topK returns the k most probable classes, largest first, ties to the lower index', () => {
  expect(topK([0.1, 0.5, 0.2, 0.2], 3)).toEqual([
    { label: 1, probability: 0.5 },
    { label: 2, probability: 0.2 },
    { label: 3, probability: 0.2 },
  ]);
  expect(topK([1], 3)).toEqual([{ label: 0, probability: 1 }]);
});
