import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@cnnkit/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { fingerprintDifferences, measureTrainingStep } from './training-step-check.js';

test('the wasm backend with cnnkit kernels passes the check against cpu, without leaking tensors', async () => {
  await tf.setBackend('cpu');
  // The cpu backend's one-time "install tfjs-node" banner is noise in this test.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  const reference = measureTrainingStep();
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  const before = tf.memory().numTensors;
  const wasm = measureTrainingStep();
  expect(tf.memory().numTensors).toBe(before);
  expect(fingerprintDifferences(wasm, reference)).toEqual([]);
  expect(reference.gradientSums).toHaveLength(10);
  expect(reference.logitsAfter).toHaveLength(20);
});

test('a wrong number is reported with the cpu value', () => {
  const reference = { loss: 2.3, gradientSums: [1, 2], logitsAfter: [0.5] };
  const wrong = fingerprintDifferences({ ...reference, gradientSums: [1, 2.1] }, reference);
  expect(wrong).toEqual(['|grad 1| 2.10000 (cpu: 2.00000)']);
});
