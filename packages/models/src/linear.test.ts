import '@cnnkit/tfjs-gradients';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Linear } from './linear.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { assignTorchValues, maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('linear.safetensors');
// The fixture's input: NHWC [2, 3, 2, 4], which PyTorch flattens in (C, H, W) order.
const MAP = { height: 3, width: 2, channels: 4 };

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function fromFixture(inputFeatureMap?: typeof MAP): Linear {
  const layer = new Linear(
    'fc',
    {
      inFeatures: 24,
      outFeatures: 5,
      bias: false,
      ...(inputFeatureMap ? { inputFeatureMap } : {}),
    },
    new Rng(0),
  );
  assignTorchValues(layer.weight, fixture.f32('weight'));
  return layer;
}

function flatInput(): tf.Tensor2D {
  return tf.tensor2d(fixture.f32('x'), [2, 24]);
}

describe.each(TEST_BACKENDS)('Linear on %s (PyTorch fixture)', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it("reads an NHWC map flattened in tfjs's order with PyTorch's weights, within 1e-5", () => {
    const layer = fromFixture(MAP);
    expect(layer.state.map((e) => e.name)).toEqual(['fc.weight']);
    const x = flatInput();
    const y = layer.apply(x);
    expect(maxAbsDiff(valuesOf(y), fixture.f32('y'))).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('would not match without the feature map (the fixture can tell)', () => {
    const layer = fromFixture();
    const x = flatInput();
    const y = layer.apply(x);
    expect(maxAbsDiff(valuesOf(y), fixture.f32('y'))).toBeGreaterThan(1e-2);
    tf.dispose([x, y]);
    layer.dispose();
  });
});

describe('Linear gradient on cpu', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it("matches PyTorch's weight gradient, in PyTorch's layout, within 1e-5", () => {
    const layer = fromFixture(MAP);
    const x = flatInput();
    const upstream = tf.tensor2d(fixture.f32('upstream'), [2, 5]);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(x), upstream)) as tf.Scalar,
      [layer.weight.variable],
    );
    const dWeight = layer.weight.layout.toTorch(
      valuesOf(grads[layer.weight.variable.name] as tf.Tensor),
    );
    expect(maxAbsDiff(dWeight, fixture.f32('dweight'))).toBeLessThan(1e-5);
    expect(layer.macs()).toBe(120);
    tf.dispose([x, upstream, value, ...Object.values(grads)]);
    layer.dispose();
  });
});
