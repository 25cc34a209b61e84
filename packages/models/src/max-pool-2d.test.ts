import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globalMaxPool2d } from './global-max-pool-2d.js';
import { maxPool2d } from './max-pool-2d.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('max-pool-2d.safetensors');
const X_SHAPE: [number, number, number, number] = [2, 7, 7, 3];
const POOLS = {
  pool2: (x: tf.Tensor4D): tf.Tensor => maxPool2d(x, 2),
  pool3: (x: tf.Tensor4D): tf.Tensor => maxPool2d(x, 3),
  global: (x: tf.Tensor4D): tf.Tensor => globalMaxPool2d(x),
};
type Pool = keyof typeof POOLS;

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe.each(TEST_BACKENDS)('max-pooling on %s (PyTorch fixture)', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(POOLS) as Pool[])(
    '%s: drops leftover rows like PyTorch, same values',
    (key) => {
      const x = tf.tensor4d(fixture.f32('x'), X_SHAPE);
      const y = POOLS[key](x);
      const expectedShape = fixture.shape(`${key}.y`);
      // The fixture is NHWC [n, h, w, c]; the global pool returns [n, c].
      expect(y.shape).toEqual(key === 'global' ? [2, 3] : expectedShape);
      expect(maxAbsDiff(valuesOf(y), fixture.f32(`${key}.y`))).toBe(0);
      tf.dispose([x, y]);
    },
  );
});

describe('max-pooling gradients on cpu (PyTorch fixture)', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(POOLS) as Pool[])('%s: routes each gradient to its maximum', (key) => {
    const x = tf.tensor4d(fixture.f32('x'), X_SHAPE);
    const upstream = fixture.f32(`${key}.upstream`);
    const dx = tf.grad((input) => {
      const y = POOLS[key](input as tf.Tensor4D);
      return tf.sum(tf.mul(y, tf.tensor(upstream, y.shape)));
    })(x);
    expect(maxAbsDiff(valuesOf(dx), fixture.f32(`${key}.dx`))).toBeLessThan(1e-6);
    tf.dispose([x, dx]);
  });
});
