import { geluGradKernel, geluKernel } from '@cnnkit/contracts';
import { gelu as modelsGelu } from '@cnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';

/**
 * Values over GELU's whole range: seeded ones scaled to [-9, 9), exact zeros, the far tails
 * (where exp(−x²/2) underflows), ±Infinity and NaN.
 */
function inputs(size: number, seed: number): Float32Array {
  const x = seededValues(size, seed).map((v) => v * 9);
  const specials = [0, -0, 30, -30, 13.5, -13.5, 1e-30, Infinity, -Infinity, Number.NaN];
  specials.forEach((v, i) => {
    if (i < size) x[(i * 7) % size] = v;
  });
  return x;
}

/** gelu's value and the gradient of Σ gelu(x)·dy through @cnnkit/models. */
function valueAndGradient(size: number, seed: number) {
  const x = inputs(size, seed);
  const dy = seededValues(size, seed + 1);
  return () =>
    tf.tidy(() => {
      const xs = tf.tensor1d(x);
      const dys = tf.tensor1d(dy);
      const y = modelsGelu(xs);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(modelsGelu(a), dys)))(xs);
      return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
    });
}

/** NaN and infinity positions must match; the other values within 2e-6 (gelu's PyTorch bound). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    if (Number.isFinite(e)) worst = Math.max(worst, Math.abs(a - e));
    else expect(a).toBe(e);
  }
  expect(worst).toBeLessThanOrEqual(2e-6);
}

describe.each(kernelPaths)(
  'gelu on wasm matches tfjs erf and ops on cpu ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([
      { name: '4,096 values', size: 4096 },
      { name: '1,027 values (a tail of 3)', size: 1027 },
      { name: 'one value', size: 1 },
    ])('$name', async ({ size }) => {
      const { expected, actual } = await runOnCpuThenWasm(valueAndGradient(size, size));
      for (let i = 0; i < expected.length; i++) expectSame(actual[i]!, expected[i]!);
    });

    it('is what gelu runs on wasm: one kernel forward, one for the gradient', async () => {
      const x = tf.variable(tf.randomNormal([2, 4, 4, 3]));
      const { kernelNames } = await tf.profile(
        () => tf.variableGrads(() => tf.sum(modelsGelu(x)), [x]).value,
      );
      expect(kernelNames).toContain(geluKernel.kernelName);
      expect(kernelNames).toContain(geluGradKernel.kernelName);
      expect(kernelNames).not.toContain(tf.Erf);
      expect(kernelNames).not.toContain(tf.Exp);
      tf.dispose(x);
    });
  },
);

describe.each(kernelPaths.filter((p) => p.simd))(
  'gelu and its gradient split on 2 threads give the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([[65_539], [200_000]])('%i values', async (size) => {
      await expectSameBitsOnOneAndTwoThreads(() => valueAndGradient(size, 5)(), 2);
    });
  },
);

describe('the fused GELU kernels refuse inputs outside their contract', () => {
  beforeAll(() => useKernelPath(true));

  it('says what is wrong', () => {
    const x = tf.zeros([2, 3]);
    const other = tf.zeros([3, 2]);
    const ints = tf.zeros([2, 3], 'int32');
    const run = (name: string, inputs: tf.NamedTensorMap) => () =>
      tf.engine().runKernel(name, inputs);
    expect(run(geluKernel.kernelName, { x: ints })).toThrow(/x must be a float32/);
    expect(run(geluGradKernel.kernelName, { dy: x, x: other })).toThrow(/must have the same shape/);
    tf.dispose([x, other, ints]);
  });
});
