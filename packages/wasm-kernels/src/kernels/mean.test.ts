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

const means: { name: string; shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
  { name: 'BatchNorm statistics of NHWC maps', shape: [4, 16, 16, 24], axis: [0, 1, 2] },
  { name: 'rows not a multiple of 4, odd channels', shape: [7, 5], axis: 0 },
  { name: 'negative axes, keepDims', shape: [2, 3, 5], axis: [-3, -2], keepDims: true },
  { name: 'a long column (50,000 rows)', shape: [50_000, 3], axis: 0 },
  { name: 'last axis (original kernel)', shape: [4, 6], axis: 1 },
  { name: 'every axis (original kernel)', shape: [4, 6], axis: [0, 1] },
];

describe.each(kernelPaths)('Mean on wasm matches the cpu backend ($path)', ({ simd, relaxed }) => {
  beforeAll(() => useKernelPath(simd, relaxed));
  afterAll(() => useKernelPath(true));

  it.each(means)('$name', async ({ shape, axis, keepDims }) => {
    const values = seededValues(tf.util.sizeFromShape(shape), 30);
    const { expected, actual } = await runOnCpuThenWasm(() =>
      tf.tidy(() => {
        const out = tf.mean(tf.tensor(values, shape), axis, keepDims);
        return { shape: out.shape, values: out.dataSync() };
      }),
    );
    expect(actual.shape).toEqual(expected.shape);
    expectClose(actual.values, expected.values, 1e-5);
  });
});

describe.each(kernelPaths.filter((p) => p.simd))(
  'Mean split on 2 threads gives the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([
      [8, 16, 16, 64],
      [301, 13],
    ])('shape %j', async (...shape) => {
      const values = seededValues(tf.util.sizeFromShape(shape), 31);
      await expectSameBitsOnOneAndTwoThreads(() =>
        tf.tidy(() => [
          tf
            .mean(
              tf.tensor(values, shape),
              shape.slice(0, -1).map((_, i) => i),
            )
            .dataSync() as Float32Array,
        ]),
      );
    });
  },
);
