import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, useWasmWithTrainingKernels } from '../test-support/compare-backends.js';

describe('Cast on wasm: same-dtype casts share data, casts to bool match cpu', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('casts to the same dtype without a new heap buffer, and the result outlives its source', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const buffers = tf.engine().backend.numDataIds();
    const same = tf.cast(x, 'float32');
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3, 4]);
    same.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffers - 1);
  });

  it.each([
    ['float32 → int32', [1.7, -2.7, 0.2], 'float32', 'int32'],
    ['int32 → float32', [3, -4, 0], 'int32', 'float32'],
    ['bool → float32', [1, 0, 1], 'bool', 'float32'],
    // tfjs-backend-wasm 4.22 itself gives [0, 0, 254] here.
    ['float32 → bool', [0.5, 0, -2], 'float32', 'bool'],
    ['int32 → bool', [256, 0, -1], 'int32', 'bool'],
  ] as const)('casts %s like cpu', async (_, values, from, to) => {
    const run = () =>
      tf.tidy(() => Array.from(tf.cast(tf.tensor(values, [3], from), to).dataSync()));
    await useBackend('cpu');
    const expected = run();
    await useBackend('wasm');
    expect(run()).toEqual(expected);
  });
});
