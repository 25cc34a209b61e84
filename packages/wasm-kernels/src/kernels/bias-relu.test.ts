import { biasReluGradKernel, biasReluKernel } from '@cnnkit/contracts';
import { biasRelu as modelsBiasRelu } from '@cnnkit/models';
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

/**
 * biasRelu's value and the gradients of Σ biasRelu(x, bias)·dy through @cnnkit/models: tfjs's
 * relu(add) on cpu, this package's two kernels on wasm.
 */
function valueAndGradients(shape: number[], seed: number) {
  const size = shape.reduce((a, b) => a * b);
  const channels = shape.at(-1) as number;
  const x = seededValues(size, seed);
  // Exact zeros of x + bias (relu's kink) and NaNs must behave like tfjs's ops too.
  const bias = seededValues(channels, seed + 1);
  x[0] = -(bias[0] as number);
  x[size - 1] = Number.NaN;
  const dy = seededValues(size, seed + 2);
  return () =>
    tf.tidy(() => {
      const xs = tf.tensor(x, shape);
      const b = tf.tensor1d(bias);
      const dys = tf.tensor(dy, shape);
      const y = modelsBiasRelu(xs, b);
      const [dx, dBias] = tf.grads((a: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(modelsBiasRelu(a, c), dys)),
      )([xs, b]);
      return [y.dataSync(), dx!.dataSync(), dBias!.dataSync()];
    });
}

/** NaN positions must match; the other values within rounding. */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(Array.from(actual, Number.isNaN)).toEqual(Array.from(expected, Number.isNaN));
  const finite = (values: ArrayLike<number>) =>
    Array.from(values, (v) => (Number.isNaN(v) ? 0 : v));
  expectClose(finite(actual), finite(expected), 1e-5);
}

describe.each(kernelPaths)(
  'biasRelu on wasm matches tfjs relu(add) on cpu ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([
      {
        name: 'conv1 output, batch 4 (6 channels: rows are not whole vectors)',
        shape: [4, 28, 28, 6],
      },
      { name: 'conv2 output, batch 3', shape: [3, 10, 10, 16] },
      { name: 'dense layer, 7 rows × 5 channels (a tail of 3 rows)', shape: [7, 5] },
      { name: 'one row', shape: [1, 9] },
      { name: 'one channel', shape: [2, 3, 1] },
    ])('$name', async ({ shape }) => {
      const run = valueAndGradients(shape, shape.length + shape[0]!);
      const { expected, actual } = await runOnCpuThenWasm(run);
      for (let i = 0; i < expected.length; i++) expectSame(actual[i]!, expected[i]!);
    });

    it('is what biasRelu runs on wasm: one kernel forward, one for both gradients', async () => {
      const x = tf.randomNormal([2, 4, 4, 3]);
      const bias = tf.variable(tf.zeros([3]));
      const { kernelNames } = await tf.profile(
        () => tf.variableGrads(() => tf.sum(modelsBiasRelu(x, bias)), [bias]).value,
      );
      expect(kernelNames).toContain(biasReluKernel.kernelName);
      expect(kernelNames).toContain(biasReluGradKernel.kernelName);
      expect(kernelNames).not.toContain(tf.Relu);
      expect(kernelNames).not.toContain(tf.Step);
      tf.dispose([x, bias]);
    });
  },
);

describe.each(kernelPaths.filter((p) => p.simd))(
  'biasRelu and its gradient split on 2 threads give the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    // Rows split in groups of 4 and dBias in groups of 4 columns: shapes with tails of both.
    it.each([
      [8, 28, 28, 6],
      [5, 10, 10, 16],
      [7, 9],
      [64, 120],
    ])('shape %j', async (...shape) => {
      await expectSameBitsOnOneAndTwoThreads(
        () => valueAndGradients(shape, 3)() as Float32Array[],
        // Forward, the ReLU gradient and the bias gradient.
        3,
      );
    });
  },
);

describe('the fused bias + ReLU kernels refuse inputs outside their contract', () => {
  beforeAll(() => useKernelPath(true));

  it('says what is wrong', () => {
    const x = tf.zeros([2, 3]);
    const wrongBias = tf.zeros([2]);
    const ints = tf.zeros([2, 3], 'int32');
    const run = (name: string, inputs: tf.NamedTensorMap) => () =>
      tf.engine().runKernel(name, inputs);
    expect(run(biasReluKernel.kernelName, { x, bias: wrongBias })).toThrow(
      /bias must have shape \[3\]/,
    );
    expect(run(biasReluKernel.kernelName, { x: ints, bias: wrongBias })).toThrow(
      /x must be a float32/,
    );
    expect(run(biasReluGradKernel.kernelName, { dy: x, y: wrongBias })).toThrow(
      /must have the same shape/,
    );
    tf.dispose([x, wrongBias, ints]);
  });
});
