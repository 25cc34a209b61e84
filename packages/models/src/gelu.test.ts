import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gelu } from './gelu.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('gelu.safetensors');
let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe.each(TEST_BACKENDS)('gelu on %s', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it('matches torch.nn.GELU() (exact, erf form) over [-8, 8] and random values within 2e-6', () => {
    const x = tf.tensor1d(fixture.f32('x'));
    const y = gelu(x);
    expect(maxAbsDiff(valuesOf(y), fixture.f32('y'))).toBeLessThan(2e-6);
    tf.dispose([x, y]);
  });

  it('differs from the tanh approximation (the fixture can tell)', () => {
    const x = tf.tensor1d(fixture.f32('x'));
    const tanhForm = tf.tidy(() => {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    });
    expect(maxAbsDiff(valuesOf(tanhForm), fixture.f32('y'))).toBeGreaterThan(1e-4);
    tf.dispose([x, tanhForm]);
  });
});

describe('gelu gradient on cpu', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it("matches PyTorch's within 2e-6", () => {
    const x = tf.tensor1d(fixture.f32('x'));
    const upstream = tf.tensor1d(fixture.f32('upstream'));
    const dx = tf.grad((input) => tf.sum(tf.mul(gelu(input), upstream)))(x);
    expect(maxAbsDiff(valuesOf(dx), fixture.f32('dx'))).toBeLessThan(2e-6);
    tf.dispose([x, upstream, dx]);
  });
});
