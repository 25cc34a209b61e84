import type * as tf from '@tensorflow/tfjs-core';

/** A max-pooling shape and its attributes, for the MaxPool and MaxPoolGrad tests. */
export interface PoolCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: tf.MaxPoolAttrs['pad'];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Added to every input so most windows have a negative maximum. */
  readonly shift: number;
}

/**
 * SimpleCNN's and AirbenchNet's pools, channel counts below, at and off multiples of 4 (the
 * SIMD lanes), overlapping windows, padding and 'ceil' rounding.
 */
export const poolCases: readonly PoolCase[] = [
  {
    name: 'odd channel count (SIMD lanes and a scalar tail), batch 1, 3x3 stride 2 same',
    xShape: [1, 9, 7, 7],
    filterSize: 3,
    strides: 2,
    pad: 'same',
    shift: -0.5,
  },
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
    name: 'AirbenchNet last pool (3x3 to 1x1)',
    xShape: [3, 3, 3, 12],
    filterSize: 3,
    strides: 3,
    pad: 'valid',
    shift: -0.5,
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
