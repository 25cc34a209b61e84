import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmWithTrainingKernels } from '../test-support/compare-backends.js';

describe('Identity on wasm shares data instead of copying', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('clones without a new heap buffer, and the clone outlives its source', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const buffers = tf.engine().backend.numDataIds();
    const clone = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3, 4]);
    clone.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffers - 1);
  });

  it('keeps a cloned variable’s value when the variable is assigned a new one', () => {
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const snapshot = tf.clone(v);
    tf.tidy(() => v.assign(tf.tensor1d([7, 8])));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([7, 8]);
    tf.dispose([v, snapshot]);
  });

  it('clones strings with the original kernel', () => {
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const clone = tf.clone(s);
    s.dispose();
    expect(clone.arraySync()).toEqual(['a', 'bc']);
    clone.dispose();
  });
});
