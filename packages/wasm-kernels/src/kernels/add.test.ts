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

const adds: Case[] = [
  ['SimpleCNN conv1 bias', [4, 28, 28, 6], [6]],
  ['rows not a multiple of 4, odd channels', [3, 5], [5]],
  ['rank 3, 7 channels', [2, 3, 7], [7]],
  ['bias first', [7], [2, 3, 7]],
  ['one channel', [5, 1], [1]],
  ['16 channels, one row', [1, 16], [16]],
  // Not a bias add: the original kernel's cases.
  ['equal shapes (original kernel)', [3, 4], [3, 4]],
  ['scalar (original kernel)', [3, 4], []],
  ['two-way broadcast (original kernel)', [3, 1], [1, 4]],
  ['int32 bias add (original kernel)', [3, 5], [5], 'int32'],
].map(([name, a, b, dtype]) => ({
  name: name as string,
  shapes: [a as number[], b as number[]],
  dtype: dtype as Case['dtype'],
  run: ([x, y]) => tf.add(x as tf.Tensor, y as tf.Tensor),
}));

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

describe.each(kernelPaths)('Add on wasm matches the cpu backend ($path)', ({ simd, relaxed }) => {
  beforeAll(() => useKernelPath(simd, relaxed));
  afterAll(() => useKernelPath(true));

  it.each(adds)('$name', async (c) => {
    const values = c.shapes.map((shape, i) => seededValues(tf.util.sizeFromShape(shape), 20 + i));
    const { expected, actual } = await runOnCpuThenWasm(() => compute(c, values));
    expect(actual.shape).toEqual(expected.shape);
    expectClose(actual.values, expected.values);
  });
});

describe.each(kernelPaths.filter((p) => p.simd))(
  'a bias add split on 2 threads gives the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([
      [8, 28, 28, 6],
      [7, 5],
      [64, 10],
    ])('shape %j', async (...shape) => {
      const channels = shape.at(-1) as number;
      const x = seededValues(tf.util.sizeFromShape(shape), 7);
      const bias = seededValues(channels, 8);
      await expectSameBitsOnOneAndTwoThreads(() =>
        tf.tidy(() => [tf.add(tf.tensor(x, shape), tf.tensor1d(bias)).dataSync() as Float32Array]),
      );
    });
  },
);
