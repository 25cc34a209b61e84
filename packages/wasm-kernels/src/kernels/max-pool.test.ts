import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kernelPaths,
  seededValues,
  useBackend,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';
import { poolCases as cases, type PoolCase } from '../test-support/pool-cases.js';

function maxPool(c: PoolCase, x: Float32Array): Float32Array {
  return tf.tidy(
    () =>
      tf
        .maxPool(tf.tensor4d(x, c.xShape), c.filterSize, c.strides, c.pad, c.dimRoundingMode)
        .dataSync() as Float32Array,
  );
}

describe.each(kernelPaths)(
  'MaxPool on wasm gives the bits of the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    // Without the SIMD module the backend's own MaxPool runs, which gets 'ceil' rounding wrong
    // at the edges (as its Conv2D does): only this package's kernel is checked there.
    it.each(simd ? cases : cases.filter((c) => c.dimRoundingMode !== 'ceil'))(
      '$name',
      async (c) => {
        const x = seededValues(
          c.xShape.reduce((a, b) => a * b),
          7,
        ).map((v) => v + c.shift);
        await useBackend('cpu');
        const expected = maxPool(c, x);
        await useBackend('wasm');
        const before = tf.memory().numTensors;
        const actual = maxPool(c, x);
        expect(tf.memory().numTensors).toBe(before);
        expect(actual).toEqual(expected);
      },
    );
  },
);

describe("the SIMD MaxPool's maxima (where MaxPoolGrad sends the gradient)", () => {
  beforeAll(() => useKernelPath(true));

  it('skips NaN, gives −∞ for a window of NaN only, and keeps the first of equal zeros', async () => {
    await useBackend('wasm');
    const c: PoolCase = {
      name: 'known',
      xShape: [1, 2, 4, 4],
      filterSize: 2,
      strides: 2,
      pad: 'valid',
      shift: 0,
    };
    // Pixels (row, column) of 4 channels. The window of columns 0–1: channel 0 has NaN and
    // -3, -4 → -3; channel 1 only NaN → −∞; channel 2 -0 before 0 → -0 (0 is not greater);
    // channel 3 all negative → -1. The window of columns 2–3 → the last pixel's values.
    const nan = Number.NaN;
    // biome-ignore format: two rows of four pixels
    const x = new Float32Array([
      nan, nan, -0, -5,   -3, nan, 0, -1,   1, 2, 3, 4,      5, 6, 7, 8,
      nan, nan, 0, -2,    -4, nan, -0, -7,  9, 10, 11, 12,   13, 14, 15, 16,
    ]);
    const out = maxPool(c, x);
    expect(Array.from(out)).toEqual([-3, Number.NEGATIVE_INFINITY, -0, -1, 13, 14, 15, 16]);
    expect(Object.is(out[2], -0)).toBe(true);
  });
});

describe.each(kernelPaths.filter((p) => p.simd))(
  'MaxPool split on 2 threads gives the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    it.each(cases.slice(0, 2))('$name', async (c) => {
      await useBackend('wasm');
      const x = seededValues(
        c.xShape.reduce((a, b) => a * b),
        8,
      );
      await expectSameBitsOnOneAndTwoThreads(() => [maxPool(c, x)], 1);
    });
  },
);
