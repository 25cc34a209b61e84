import { expect, test } from 'vitest';
import { detailWithThreads } from './wasm-threads.js';

const started =
  '@tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 2 threads';

test('the wasm detail line names the new thread count', () => {
  expect(detailWithThreads(started, 1)).toBe(
    '@tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 1 thread',
  );
  expect(detailWithThreads(detailWithThreads(started, 1), 4)).toMatch(/, 4 threads$/);
  // The version's digits are not a thread count.
  expect(detailWithThreads('@tensorflow/tfjs-backend-wasm 4.22.0', 3)).toBe(
    '@tensorflow/tfjs-backend-wasm 4.22.0',
  );
});
