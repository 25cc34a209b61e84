import { softmaxCrossEntropyKernel } from '@cnnkit/contracts';
import { crossEntropyLoss } from '@cnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  runOnCpuThenWasm,
  seededValues,
  useWasmWithTrainingKernels,
} from '../test-support/compare-backends.js';

const softmaxCrossEntropyKernelName = softmaxCrossEntropyKernel.kernelName;

/** The loss and its gradient through @cnnkit/trainer: composed ops on cpu, the kernel on wasm. */
function lossAndGradient(logits: Float32Array, shape: [number, number], labels: Int32Array) {
  return tf.tidy(() => {
    const y = tf.tensor1d(labels, 'int32');
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
      crossEntropyLoss(x as tf.Tensor2D, y),
    )([tf.tensor2d(logits, shape)]);
    return { loss: value.dataSync()[0] as number, gradient: (grads[0] as tf.Tensor).dataSync() };
  });
}

describe('the fused softmax cross-entropy kernel', () => {
  beforeAll(useWasmWithTrainingKernels);

  it.each([
    { name: 'batch 4 × 10 classes', batch: 4, classes: 10, scale: 3 },
    { name: 'batch 1', batch: 1, classes: 10, scale: 3 },
    { name: 'batch 64 × 7 classes', batch: 64, classes: 7, scale: 5 },
    { name: 'huge logits (no overflow)', batch: 5, classes: 10, scale: 900 },
  ])('matches the composed loss and gradient on cpu: $name', async ({ batch, classes, scale }) => {
    const logits = seededValues(batch * classes, batch).map((v) => v * scale);
    const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % classes);
    const { expected, actual } = await runOnCpuThenWasm(() =>
      lossAndGradient(logits, [batch, classes], labels),
    );
    expect(actual.loss).toBeCloseTo(expected.loss, scale > 100 ? 2 : 5);
    expectClose(actual.gradient, expected.gradient, 1e-5);
  });

  it('gives labels outside the classes an all-zero one-hot row, like tf.oneHot', async () => {
    const logits = seededValues(3 * 4, 9);
    const labels = Int32Array.of(-1, 2, 4);
    const { expected, actual } = await runOnCpuThenWasm(() =>
      lossAndGradient(logits, [3, 4], labels),
    );
    expect(actual.loss).toBeCloseTo(expected.loss, 5);
    expectClose(actual.gradient, expected.gradient, 1e-5);
  });

  it('is what crossEntropyLoss runs on wasm: one kernel for the loss', async () => {
    await useWasmWithTrainingKernels();
    const logits = tf.tensor2d(seededValues(4 * 10, 3), [4, 10]);
    const labels = tf.tensor1d([1, 2, 3, 4], 'int32');
    const { kernelNames } = await tf.profile(() => crossEntropyLoss(logits, labels));
    // tf.customGrad's own entry has an empty name; it runs no kernel.
    expect(kernelNames.filter((name) => name !== '')).toEqual([softmaxCrossEntropyKernelName]);
    tf.dispose([logits, labels]);
  });

  it('makes a NaN logit give a NaN loss (the trainer stops on it)', async () => {
    await useWasmWithTrainingKernels();
    const values = seededValues(2 * 3, 4);
    values[4] = Number.NaN;
    const { loss, gradient } = lossAndGradient(values, [2, 3], Int32Array.of(0, 1));
    expect(loss).toBeNaN();
    expect(Array.from(gradient.subarray(0, 3)).every(Number.isFinite)).toBe(true);
    expect(Array.from(gradient.subarray(3)).every(Number.isNaN)).toBe(true);
  });

  it('refuses inputs outside its contract with a clear error', async () => {
    await useWasmWithTrainingKernels();
    const logits = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const floatLabels = tf.tensor1d([0, 1]);
    const run = (inputs: tf.NamedTensorMap) =>
      tf.engine().runKernel(softmaxCrossEntropyKernelName, inputs);
    expect(() => run({ logits, labels: floatLabels })).toThrow(/labels must be int32 \[2\]/);
    expect(() => run({ logits: floatLabels, labels: floatLabels })).toThrow(
      /logits must be float32 \[batch, classes\]/,
    );
    tf.dispose([logits, floatLabels]);
  });
});
