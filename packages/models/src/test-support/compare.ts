import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { StateEntry } from '../state-dict.js';

/** The largest |a[i] − b[i]|; the arrays must have the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length, 'compared arrays differ in length').toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    // NaN never compares greater: report it as infinitely wrong.
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst;
}

/** The largest |value|, to state a tolerance relative to a tensor's scale. */
export function maxAbs(a: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] as number));
  return largest;
}

/** A tensor's values (float32) for comparisons. */
export function valuesOf(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as ArrayLike<number>);
}

/** Sets a state entry from values in PyTorch's layout. */
export function assignTorchValues(entry: StateEntry, torchValues: ArrayLike<number>): void {
  const values = entry.layout.fromTorch(Float32Array.from(torchValues));
  const { variable } = entry;
  tf.tidy(() => {
    variable.assign(
      variable.dtype === 'int32'
        ? tf.tensor(Int32Array.from(values), variable.shape, 'int32')
        : tf.tensor(values, variable.shape, 'float32'),
    );
  });
}
