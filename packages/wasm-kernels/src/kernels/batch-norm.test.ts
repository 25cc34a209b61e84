import { batchNormTrainGradKernel, batchNormTrainKernel } from '@cnnkit/contracts';
import { BatchNorm2d } from '@cnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';

type Shape4 = [number, number, number, number];

/**
 * One training-mode BatchNorm2d forward through @cnnkit/models, the gradient of Σ y·dy with
 * respect to x, the scale and the offset, and the running statistics after it: the fused kernels
 * on wasm, tfjs ops on cpu.
 */
function trainingStep(shape: Shape4, seed: number) {
  const size = shape.reduce((a, b) => a * b);
  const channels = shape[3];
  // An offset and a spread per channel, so that the statistics differ by channel.
  const x = seededValues(size, seed).map((v, i) => 3 * v * (1 + (i % channels)) + (i % channels));
  const dy = seededValues(size, seed + 1);
  const gamma = seededValues(channels, seed + 2).map((v) => 1 + v);
  const beta = seededValues(channels, seed + 3);
  return () => {
    const norm = new BatchNorm2d('bn', { numFeatures: channels, eps: 1e-5, momentum: 0.4 });
    tf.tidy(() => {
      norm.weight.variable.assign(tf.tensor1d(gamma));
      norm.bias.variable.assign(tf.tensor1d(beta));
    });
    const results = tf.tidy(() => {
      const xs = tf.tensor4d(x, shape);
      const dys = tf.tensor4d(dy, shape);
      const loss = (input: tf.Tensor4D): tf.Scalar => tf.sum(tf.mul(norm.apply(input, true), dys));
      const y = norm.apply(xs, true);
      const { grads } = tf.variableGrads(
        () => loss(xs),
        [norm.weight.variable, norm.bias.variable],
      );
      const dx = tf.grad((input: tf.Tensor) => loss(input as tf.Tensor4D))(xs);
      return [y, dx, grads[norm.weight.variable.name], grads[norm.bias.variable.name]].map(
        (t) => (t as tf.Tensor).dataSync() as Float32Array,
      );
    });
    const running = [norm.runningMean.variable, norm.runningVar.variable].map(
      (v) => v.dataSync() as Float32Array,
    );
    norm.dispose();
    return [...results, ...running];
  };
}

describe.each(kernelPaths)(
  'BatchNorm2d training on wasm (fused kernels) matches tfjs ops on cpu ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([
      { name: '2 × 15 × 15 × 24 (AirbenchNet; 2 parts of 225 rows)', shape: [2, 15, 15, 24] },
      { name: '8 × 16 × 16 × 16 (8 parts of 256 rows)', shape: [8, 16, 16, 16] },
      { name: '3 × 5 × 7 × 6 (channels not a multiple of 4)', shape: [3, 5, 7, 6] },
      { name: '2 × 1 × 1 × 4 (two values a channel)', shape: [2, 1, 1, 4] },
    ] as { name: string; shape: Shape4 }[])('$name', async ({ shape }) => {
      const { expected, actual } = await runOnCpuThenWasm(trainingStep(shape, shape[0]));
      // y, dx, dScale, dOffset, the running mean and variance.
      expect(actual).toHaveLength(6);
      for (let i = 0; i < actual.length; i++) {
        // Sums over up to 4,096 values in another order: a few float32 roundings of the
        // largest value.
        expectClose(actual[i]!, expected[i]!, 2e-5);
      }
    });

    it('is what BatchNorm2d runs on wasm in training: one kernel forward, one for the gradient', async () => {
      const norm = new BatchNorm2d('bn', { numFeatures: 8 });
      const x = tf.variable(tf.randomNormal<tf.Rank.R4>([2, 4, 4, 8]));
      const { kernelNames } = await tf.profile(
        () => tf.variableGrads(() => tf.sum(norm.apply(x, true)), [x]).value,
      );
      expect(kernelNames).toContain(batchNormTrainKernel.kernelName);
      expect(kernelNames).toContain(batchNormTrainGradKernel.kernelName);
      expect(kernelNames).not.toContain(tf.Rsqrt);
      tf.dispose(x);
      norm.dispose();
    });
  },
);

describe('BatchNorm2d training kernels on threads', () => {
  it('gives the bits of 1 thread on 2 (parts are fixed row ranges, summed in order)', async () => {
    await expectSameBitsOnOneAndTwoThreads(trainingStep([8, 15, 15, 32], 5), 3);
  });

  it('refuses a scale whose length is not the channel count', async () => {
    await useKernelPath(true);
    const call = () =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            batchNormTrainKernel.kernelName,
            { x: tf.zeros([2, 2, 2, 4]), scale: tf.ones([3]), offset: tf.zeros([4]) },
            { eps: 1e-5 },
          ),
      );
    expect(call).toThrow(/scale must have shape \[4\]/);
  });
});
