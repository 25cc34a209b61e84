import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useKernelPath,
} from '../test-support/compare-backends.js';

interface MatMulCase {
  readonly name: string;
  readonly aShape: number[];
  readonly bShape: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

// SimpleCNN's fc1 at batch 4: the forward product and both gradient products.
const denseCases: MatMulCase[] = [
  {
    name: 'fc1 forward',
    aShape: [4, 400],
    bShape: [400, 120],
    transposeA: false,
    transposeB: false,
  },
  {
    name: 'fc1 input gradient (dy·Wᵀ)',
    aShape: [4, 120],
    bShape: [400, 120],
    transposeA: false,
    transposeB: true,
  },
  {
    name: 'fc1 weight gradient (xᵀ·dy)',
    aShape: [4, 400],
    bShape: [4, 120],
    transposeA: true,
    transposeB: false,
  },
  { name: 'both transposed', aShape: [9, 5], bShape: [7, 9], transposeA: true, transposeB: true },
];

// Every edge of the SIMD tiling: m, n and k below, at and past 4 and 8, odd everywhere.
const oddCases: MatMulCase[] = [1, 3, 5, 9, 13].flatMap((size, i) =>
  [false, true].flatMap((transposeA) =>
    [false, true].map((transposeB) => {
      const m = size;
      const n = [17, 1, 8, 6, 11][i] as number;
      const k = [1, 7, 33, 4, 2][i] as number;
      return {
        name: `m ${m}, n ${n}, k ${k}, transposeA ${transposeA}, transposeB ${transposeB}`,
        aShape: transposeA ? [k, m] : [m, k],
        bShape: transposeB ? [n, k] : [k, n],
        transposeA,
        transposeB,
      };
    }),
  ),
);

const batchedCases: MatMulCase[] = [
  {
    name: 'equal batches',
    aShape: [3, 5, 6],
    bShape: [3, 6, 7],
    transposeA: false,
    transposeB: false,
  },
  {
    name: 'a broadcast over b',
    aShape: [1, 5, 6],
    bShape: [2, 3, 7, 6],
    transposeA: false,
    transposeB: true,
  },
  {
    name: 'rank 4 a, rank 2 b',
    aShape: [2, 3, 6, 5],
    bShape: [6, 4],
    transposeA: true,
    transposeB: false,
  },
  // Outer dims that broadcast both ways: handed to the original wasm kernel.
  {
    name: 'two-way batch broadcast (original kernel)',
    aShape: [2, 1, 3, 4],
    bShape: [1, 3, 4, 5],
    transposeA: false,
    transposeB: false,
  },
];

function product(c: MatMulCase, a: Float32Array, b: Float32Array): Float32Array {
  return tf.tidy(() =>
    tf
      .matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transposeA, c.transposeB)
      .dataSync(),
  ) as Float32Array;
}

describe.each(kernelPaths)(
  'BatchMatMul on wasm matches the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each([...denseCases, ...oddCases, ...batchedCases])('$name', async (c) => {
      const a = seededValues(
        c.aShape.reduce((x, y) => x * y),
        5,
      );
      const b = seededValues(
        c.bShape.reduce((x, y) => x * y),
        6,
      );
      const { expected, actual } = await runOnCpuThenWasm(() => product(c, a, b));
      expectClose(actual, expected);
    });

    it('keeps the output shape of broadcast batches', () => {
      const shape = tf.tidy(() => tf.matMul(tf.ones([1, 5, 6]), tf.ones([2, 3, 6, 7])).shape);
      expect(shape).toEqual([2, 3, 5, 7]);
    });
  },
);
