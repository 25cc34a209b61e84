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

interface Case {
  readonly name: string;
  readonly run: (inputs: tf.Tensor[]) => tf.Tensor;
  readonly shapes: number[][];
  readonly dtype?: 'float32' | 'int32';
}

const sums: Case[] = [
  {
    name: 'SimpleCNN conv1 bias gradient',
    shapes: [[4, 28, 28, 6]],
    run: ([x]) => tf.sum(x as tf.Tensor, [0, 1, 2]),
  },
  { name: 'rows not a multiple of 4', shapes: [[7, 5]], run: ([x]) => tf.sum(x as tf.Tensor, 0) },
  {
    name: 'negative axes, keepDims',
    shapes: [[2, 3, 5]],
    run: ([x]) => tf.sum(x as tf.Tensor, [-3, -2], true),
  },
  {
    name: 'a long column (50,000 rows)',
    shapes: [[50_000, 3]],
    run: ([x]) => tf.sum(x as tf.Tensor, 0),
  },
  {
    name: 'last axis (original kernel)',
    shapes: [[4, 6]],
    run: ([x]) => tf.sum(x as tf.Tensor, 1),
  },
  { name: 'every axis (original kernel)', shapes: [[4, 6]], run: ([x]) => tf.sum(x as tf.Tensor) },
  {
    name: 'int32 (original kernel)',
    shapes: [[5, 3]],
    dtype: 'int32',
    run: ([x]) => tf.sum(x as tf.Tensor, 0),
  },
];

function compute(c: Case, values: Float32Array[]) {
  return tf.tidy(() => {
    const inputs = c.shapes.map((shape, i) =>
      c.dtype === 'int32'
        ? tf.tensor(
            Int32Array.from(values[i] as Float32Array, (v) => Math.round(10 * v)),
            shape,
            'int32',
          )
        : tf.tensor(values[i] as Float32Array, shape),
    );
    const out = c.run(inputs);
    return { shape: out.shape, values: out.dataSync() };
  });
}

describe.each(kernelPaths)('Sum on wasm matches the cpu backend ($path)', ({ simd, relaxed }) => {
  beforeAll(() => useKernelPath(simd, relaxed));
  afterAll(() => useKernelPath(true));

  it.each(sums)('$name', async (c) => {
    const values = c.shapes.map((shape, i) => seededValues(tf.util.sizeFromShape(shape), 20 + i));
    const { expected, actual } = await runOnCpuThenWasm(() => compute(c, values));
    expect(actual.shape).toEqual(expected.shape);
    expectClose(actual.values, expected.values);
  });
});

describe.each(kernelPaths.filter((p) => p.simd))(
  'a bias gradient split on 2 threads gives the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    // Columns split in groups of 4 (with a tail group), rows in 64-row blocks with a tail.
    it.each([
      [8, 28, 28, 6],
      [50_003, 9],
      [131, 17],
    ])('shape %j', async (...shape) => {
      const values = seededValues(tf.util.sizeFromShape(shape), 5);
      await expectSameBitsOnOneAndTwoThreads(() =>
        tf.tidy(() => {
          const x = tf.tensor(values, shape);
          return [
            tf
              .sum(
                x,
                shape.slice(0, -1).map((_, i) => i),
              )
              .dataSync() as Float32Array,
          ];
        }),
      );
    });
  },
);
