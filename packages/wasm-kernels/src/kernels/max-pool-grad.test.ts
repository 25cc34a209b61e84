import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../register-wasm-training-kernels.js';
import {
  expectClose,
  kernelPaths,
  seededValues,
  useBackend,
  useKernelPath,
  useWasmWithTrainingKernels,
} from '../test-support/compare-backends.js';
import { poolCases as cases, type PoolCase } from '../test-support/pool-cases.js';
import { runKernel } from '../test-support/run-kernel.js';

function maxPoolGrad(
  c: PoolCase,
  x: Float32Array,
  dy: Float32Array,
  kernelName: string = tf.MaxPoolGrad,
): Float32Array {
  return tf.tidy(() => {
    const input = tf.tensor4d(x, c.xShape);
    const output = tf.maxPool(input, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
    const result = runKernel(
      kernelName,
      { dy: tf.tensor(dy, output.shape), input, output },
      {
        filterSize: c.filterSize,
        strides: c.strides,
        pad: c.pad,
        dimRoundingMode: c.dimRoundingMode,
      },
    );
    return result.dataSync() as Float32Array;
  });
}

function outputSize(c: PoolCase): number {
  const info = tf.backend_util.computePool2DInfo(
    c.xShape,
    c.filterSize,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
  );
  return info.outShape.reduce((a, b) => a * b);
}

describe.each(kernelPaths)(
  'MaxPoolGrad on wasm matches the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each(cases)('$name', async (c) => {
      const x = seededValues(
        c.xShape.reduce((a, b) => a * b),
        5,
      ).map((v) => v + c.shift);
      const dy = seededValues(outputSize(c), 6);
      await useBackend('cpu');
      const expected = maxPoolGrad(c, x, dy);
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = maxPoolGrad(c, x, dy);
      expect(tf.memory().numTensors).toBe(before);
      expectClose(actual, expected, 1e-6);
    });

    it('sends a window whose maximum is negative its gradient (tfjs-backend-wasm 4.22 does not)', async () => {
      const x = new Float32Array([-5, -3, -2, -4, -1, -7, -8, -6, 1, 2, -3, -3, -9, -9, -1, -2]);
      const dy = new Float32Array([1, 2, 3, 4]);
      const c: PoolCase = {
        name: 'known',
        xShape: [1, 4, 4, 1],
        filterSize: 2,
        strides: 2,
        pad: 'valid',
        shift: 0,
      };
      expect(Array.from(maxPoolGrad(c, x, dy))).toEqual([
        0, 0, 2, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0,
      ]);
    });

    it('gives ties to the first maximum, like cpu', () => {
      const c: PoolCase = {
        name: 'ties',
        xShape: [1, 2, 2, 1],
        filterSize: 2,
        strides: 2,
        pad: 'valid',
        shift: 0,
      };
      expect(
        Array.from(maxPoolGrad(c, new Float32Array([-1, -1, -1, -1]), new Float32Array([5]))),
      ).toEqual([5, 0, 0, 0]);
    });
  },
);

describe("tfjs-backend-wasm 4.22's own MaxPoolGrad (the reason this package replaces it)", () => {
  const builtInName = 'TfjsWasmMaxPoolGradForComparison';
  const c: PoolCase = {
    name: 'SimpleCNN pool',
    xShape: [2, 28, 28, 6],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    shift: 0,
  };
  const size = 2 * 28 * 28 * 6;
  // Distinct values, so no window has a tie: only the sign of the maxima differs by case.
  const distinct = Float32Array.from(new Rng(12).permutation(size), (rank) => rank / size);

  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    const builtIn = registerWasmTrainingKernels().replaced.find(
      (config) => config.kernelName === tf.MaxPoolGrad,
    );
    if (builtIn == null) throw new Error('registerWasmTrainingKernels replaced no MaxPoolGrad.');
    tf.registerKernel({ ...builtIn, kernelName: builtInName });
    return () => tf.unregisterKernel(builtInName, 'wasm');
  });

  async function worstDifferenceFromCpu(x: Float32Array): Promise<number> {
    const dy = seededValues(outputSize(c), 10);
    await useBackend('cpu');
    const expected = maxPoolGrad(c, x, dy);
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = maxPoolGrad(c, x, dy, builtInName);
    expect(tf.memory().numTensors).toBe(before);
    return actual.reduce((w, v, i) => Math.max(w, Math.abs(v - (expected[i] as number))), 0);
  }

  it('is right when every maximum is positive', async () => {
    const x = Float32Array.from(distinct, (v) => v + 0.5);
    expect(await worstDifferenceFromCpu(x)).toBeLessThanOrEqual(1e-6);
  });

  it('is wrong when the maxima are negative', async () => {
    const x = Float32Array.from(distinct, (v) => v - 1.5);
    expect(await worstDifferenceFromCpu(x)).toBeGreaterThan(0.1);
  });

  it('gives a tie to the last maximum, where cpu (and PyTorch) give the first', async () => {
    const x = Float32Array.from(distinct, (v) => Math.round(v * 4) + 1);
    expect(await worstDifferenceFromCpu(x)).toBeGreaterThan(0.1);
  });
});
