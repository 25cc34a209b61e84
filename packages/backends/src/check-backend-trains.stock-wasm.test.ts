// A file of its own: tfjs kernels register globally, and here the wasm backend must run
// without cnnkit's training kernels.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { checkBackendTrains } from './check-backend-trains.js';

it("fails on tfjs-backend-wasm 4.22 without cnnkit's kernels: it has no Conv2DBackpropFilter", async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const before = tf.memory().numTensors;
  await expect(checkBackendTrains()).rejects.toThrow(
    'kernels missing for training: Conv2DBackpropFilter',
  );
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.getBackend()).toBe('wasm');
});
