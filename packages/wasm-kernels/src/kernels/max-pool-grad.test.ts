import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  seededValues,
  useBackend,
  useWasmWithTrainingKernels,
} from '../test-support/compare-backends.js';

interface PoolCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: tf.MaxPoolGradAttrs['pad'];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Added to every input so most windows have a negative maximum. */
  readonly shift: number;
}

const cases: PoolCase[] = [
  {
    name: 'SimpleCNN pool, all negative',
    xShape: [2, 28, 28, 6],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    shift: -2,
  },
  {
    name: 'SimpleCNN pool, mixed signs',
    xShape: [2, 10, 10, 16],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    shift: 0,
  },
  {
    name: 'overlapping 3x3 stride 1, same',
    xShape: [1, 7, 6, 3],
    filterSize: 3,
    strides: 1,
    pad: 'same',
    shift: -1,
  },
  {
    name: 'odd size, stride 2, same',
    xShape: [3, 9, 7, 5],
    filterSize: 2,
    strides: 2,
    pad: 'same',
    shift: -1.5,
  },
  {
    name: 'rectangular window',
    xShape: [2, 8, 9, 2],
    filterSize: [3, 2],
    strides: [2, 3],
    pad: 'valid',
    shift: -0.5,
  },
  {
    name: 'numeric pad, ceil',
    xShape: [1, 6, 6, 4],
    filterSize: 3,
    strides: 2,
    pad: 1,
    dimRoundingMode: 'ceil',
    shift: -3,
  },
];

function maxPoolGrad(c: PoolCase, x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const input = tf.tensor4d(x, c.xShape);
    const output = tf.maxPool(input, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
    const result = tf
      .engine()
      .runKernel(tf.MaxPoolGrad, { dy: tf.tensor(dy, output.shape), input, output }, {
        filterSize: c.filterSize,
        strides: c.strides,
        pad: c.pad,
        dimRoundingMode: c.dimRoundingMode,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
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

describe('MaxPoolGrad on wasm matches the cpu backend', () => {
  beforeAll(useWasmWithTrainingKernels);

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
});
