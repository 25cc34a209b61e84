import '@cnnkit/tfjs-gradients';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Conv2d, type Conv2dOptions } from './conv2d.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { assignTorchValues, maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('conv2d.safetensors');
const X_SHAPE: [number, number, number, number] = [2, 6, 5, 3];
const CASES: Record<'same3' | 'valid2', Conv2dOptions> = {
  same3: { inChannels: 3, outChannels: 4, kernelSize: 3, padding: 'same', bias: false },
  valid2: { inChannels: 3, outChannels: 5, kernelSize: 2, padding: 'valid', bias: true },
};
type Case = keyof typeof CASES;

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function fromFixture(key: Case): Conv2d {
  const conv = new Conv2d('conv', CASES[key], new Rng(0));
  assignTorchValues(conv.weight, fixture.f32(`${key}.weight`));
  if (conv.bias) assignTorchValues(conv.bias, fixture.f32(`${key}.bias`));
  return conv;
}

describe('Conv2d init and state', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it('names its entries like nn.Conv2d and draws within ±1/√fan_in', () => {
    const conv = new Conv2d('layers.0.conv1', { ...CASES.valid2 }, new Rng(1));
    expect(conv.state.map((e) => [e.name, e.kind, e.layout.torchShape])).toEqual([
      ['layers.0.conv1.weight', 'weight', [5, 3, 2, 2]],
      ['layers.0.conv1.bias', 'bias', [5]],
    ]);
    const bound = Math.fround(1 / Math.sqrt(12));
    for (const e of conv.state) {
      const values = valuesOf(e.variable);
      expect(values.every((v) => Math.abs(v) <= bound)).toBe(true);
      expect(values.some((v) => Math.abs(v) > bound / 2)).toBe(true);
    }
    expect(conv.macs(32, 32)).toBe(31 * 31 * 5 * 3 * 4);
    conv.dispose();
  });

  it('identityInit passes its input through the first inChannels filters and zeroes the bias', () => {
    const options = { inChannels: 3, outChannels: 5, kernelSize: 2, padding: 'valid' } as const;
    const conv = new Conv2d('whiten', { ...options, identityInit: true }, new Rng(2));
    const plain = new Conv2d('whiten', options, new Rng(2));
    const x = tf.tensor4d(fixture.f32('x'), X_SHAPE);
    const y = conv.apply(x);
    // 2×2 kernel: the centre (k // 2 = 1) is the bottom-right tap, so y[i][j] = x[i + 1][j + 1].
    const expected = tf.slice(x, [0, 1, 1, 0], [2, 5, 4, 3]);
    const passed = tf.slice(y, [0, 0, 0, 0], [2, 5, 4, 3]);
    expect(maxAbsDiff(valuesOf(passed), valuesOf(expected))).toBe(0);
    expect(Array.from(conv.bias?.variable.dataSync() ?? [])).toEqual([0, 0, 0, 0, 0]);
    // Filters from inChannels on keep PyTorch's default init, the same draws as without it.
    const torchWeights = conv.weight.layout.toTorch(valuesOf(conv.weight.variable));
    const plainWeights = plain.weight.layout.toTorch(valuesOf(plain.weight.variable));
    expect(torchWeights.slice(3 * 12)).toEqual(plainWeights.slice(3 * 12));
    tf.dispose([x, y, expected, passed]);
    conv.dispose();
    plain.dispose();
  });

  it('can freeze its weight', () => {
    const conv = new Conv2d('c', { ...CASES.same3, weightTrainable: false }, new Rng(0));
    expect(conv.weight.variable.trainable).toBe(false);
    conv.dispose();
  });
});

describe.each(TEST_BACKENDS)('Conv2d forward on %s (PyTorch fixture)', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(CASES) as Case[])('%s matches within 1e-5', (key) => {
    const conv = fromFixture(key);
    const x = tf.tensor4d(fixture.f32('x'), X_SHAPE);
    const y = conv.apply(x);
    expect(y.shape).toEqual(fixture.shape(`${key}.y`));
    expect(maxAbsDiff(valuesOf(y), fixture.f32(`${key}.y`))).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    conv.dispose();
  });
});

// cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter.
describe('Conv2d gradients on cpu (PyTorch fixture)', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(CASES) as Case[])(
    '%s: input, weight and bias gradients within 1e-5',
    (key) => {
      const conv = fromFixture(key);
      const x = tf.tensor4d(fixture.f32('x'), X_SHAPE);
      const upstream = tf.tensor(fixture.f32(`${key}.upstream`), fixture.shape(`${key}.upstream`));
      const loss = (input: tf.Tensor4D) => tf.sum(tf.mul(conv.apply(input), upstream)) as tf.Scalar;
      const { value, grads } = tf.variableGrads(
        () => loss(x),
        conv.state.map((e) => e.variable),
      );
      const dx = tf.grad((input) => loss(input as tf.Tensor4D))(x);
      expect(maxAbsDiff(valuesOf(dx), fixture.f32(`${key}.dx`))).toBeLessThan(1e-5);
      const dWeight = conv.weight.layout.toTorch(
        valuesOf(grads[conv.weight.variable.name] as tf.Tensor),
      );
      expect(maxAbsDiff(dWeight, fixture.f32(`${key}.dweight`))).toBeLessThan(1e-5);
      if (conv.bias) {
        const dBias = valuesOf(grads[conv.bias.variable.name] as tf.Tensor);
        expect(maxAbsDiff(dBias, fixture.f32(`${key}.dbias`))).toBeLessThan(1e-5);
      }
      tf.dispose([x, upstream, value, dx, ...Object.values(grads)]);
      conv.dispose();
    },
  );
});
