import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect } from 'vitest';

// Loaded by vitest.config.ts for every test file of this package: a test that leaves tensors
// behind fails, so "no tensor leaks across steps and epochs" is checked everywhere, not only in
// the tests that remember to. Files that never load a backend (pure logic, spawned processes)
// have no tensors to count.
const hasBackend = () => tf.engine().backendNames().length > 0;
let tensorsBefore: number | undefined;
beforeEach(() => {
  tensorsBefore = hasBackend() ? tf.memory().numTensors : undefined;
});
afterEach(() => {
  if (tensorsBefore === undefined) return;
  expect(tf.memory().numTensors, 'tensors left behind by this test').toBe(tensorsBefore);
});
