import { expect, test } from 'vitest';
import { filterImages } from './filter-images.js';

test('each output channel becomes an HWC RGB image stretched to its own range', () => {
  // HWIO [1, 2, 3, 2]: output 0 holds 0..5, output 1 is constant.
  const weights = new Float32Array(12);
  for (let p = 0; p < 6; p++) {
    weights[p * 2] = p;
    weights[p * 2 + 1] = 0.25;
  }
  const [first, second] = filterImages(weights, [1, 2, 3, 2]);
  expect(Array.from(first ?? [])).toEqual([0, 51, 102, 153, 204, 255]);
  expect(Array.from(second ?? [])).toEqual([128, 128, 128, 128, 128, 128]);
});

test('a shape that does not match the values is refused', () => {
  expect(() => filterImages(new Float32Array(5), [1, 2, 3, 2])).toThrow(
    'hold 5 values, not 1×2×3×2',
  );
  expect(() => filterImages(new Float32Array(8), [1, 2, 1, 4])).toThrow('need 3 input channels');
});
