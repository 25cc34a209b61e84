import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchNorm2d } from './batch-norm-2d.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { assignTorchValues, maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('batch-norm-2d.safetensors');
const SHAPE: [number, number, number, number] = [3, 5, 5, 4];
const SETTINGS = {
  default: { numFeatures: 4 },
  airbench: { numFeatures: 4, eps: 1e-12, momentum: 0.4, weightTrainable: false },
} as const;
type Setting = keyof typeof SETTINGS;

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** A BatchNorm2d holding the fixture's state before the forward pass. */
function fromFixture(setting: Setting): BatchNorm2d {
  const norm = new BatchNorm2d('bn', SETTINGS[setting]);
  for (const entry of norm.state) {
    const key = `${setting}.before.${entry.name.slice('bn.'.length)}`;
    assignTorchValues(
      entry,
      entry.variable.dtype === 'int32' ? fixture.ints(key) : fixture.f32(key),
    );
  }
  return norm;
}

describe('BatchNorm2d state', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it("starts at PyTorch's initial state with PyTorch's names, order and dtypes", () => {
    const norm = new BatchNorm2d('layers.0.norm1', { numFeatures: 3 });
    expect(norm.state.map((e) => e.name)).toEqual([
      'layers.0.norm1.weight',
      'layers.0.norm1.bias',
      'layers.0.norm1.running_mean',
      'layers.0.norm1.running_var',
      'layers.0.norm1.num_batches_tracked',
    ]);
    expect(norm.state.map((e) => e.kind)).toEqual([
      'norm-weight',
      'norm-bias',
      'running-mean',
      'running-var',
      'batch-count',
    ]);
    expect(norm.state.map((e) => Array.from(e.variable.dataSync()))).toEqual([
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
      [0],
    ]);
    expect(norm.state.map((e) => e.variable.trainable)).toEqual([true, true, false, false, false]);
    expect(norm.numBatchesTracked.variable.dtype).toBe('int32');
    expect(norm.numBatchesTracked.layout.torchDtype).toBe('I64');
    expect([norm.eps, norm.momentum]).toEqual([1e-5, 0.1]);
    norm.dispose();
  });

  it('freezes the scale when asked: not trainable, still applied', () => {
    const norm = fromFixture('airbench');
    expect(norm.weight.variable.trainable).toBe(false);
    tf.tidy(() => {
      norm.weight.variable.assign(tf.fill([4], 2));
      const x = tf.tensor4d(fixture.f32('x'), SHAPE);
      const doubled = norm.apply(x, false);
      norm.weight.variable.assign(tf.ones([4]));
      const single = norm.apply(x, false);
      const bias = norm.bias.variable;
      // (y₂ − b) = 2 (y₁ − b)
      const gap = tf.sub(tf.sub(doubled, bias), tf.mul(2, tf.sub(single, bias)));
      expect(tf.max(tf.abs(gap)).dataSync()[0]).toBeLessThan(1e-5);
    });
    norm.dispose();
  });

  it('refuses training mode with a single value per channel', () => {
    const norm = new BatchNorm2d('bn', { numFeatures: 2 });
    const x = tf.zeros([1, 1, 1, 2]) as tf.Tensor4D;
    expect(() => norm.apply(x, true)).toThrow(
      'BatchNorm2d in training mode needs more than 1 value per channel, got input shape [1, 1, 1, 2]',
    );
    x.dispose();
    norm.dispose();
  });
});

describe.each(TEST_BACKENDS)('BatchNorm2d forward on %s (PyTorch fixture)', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(SETTINGS) as Setting[])(
    '%s: train mode uses batch statistics and updates the running ones like PyTorch',
    (setting) => {
      const norm = fromFixture(setting);
      const x = tf.tensor4d(fixture.f32('x'), SHAPE);
      const y = norm.apply(x, true);
      expect(maxAbsDiff(valuesOf(y), fixture.f32(`${setting}.train_y`))).toBeLessThan(1e-5);
      expect(
        maxAbsDiff(
          valuesOf(norm.runningMean.variable),
          fixture.f32(`${setting}.after.running_mean`),
        ),
      ).toBeLessThan(1e-5);
      // Unbiased variance (× 75/74) in the update: the biased one would be ~5e-3 off here.
      expect(
        maxAbsDiff(valuesOf(norm.runningVar.variable), fixture.f32(`${setting}.after.running_var`)),
      ).toBeLessThan(1e-5);
      expect(Array.from(norm.numBatchesTracked.variable.dataSync())).toEqual(
        fixture.ints(`${setting}.after.num_batches_tracked`),
      );
      tf.dispose([x, y]);
      norm.dispose();
    },
  );

  it.each(Object.keys(SETTINGS) as Setting[])(
    '%s: eval mode uses the running statistics and changes nothing',
    (setting) => {
      const norm = fromFixture(setting);
      const before = norm.state.map((e) => valuesOf(e.variable));
      const x = tf.tensor4d(fixture.f32('x'), SHAPE);
      const y = norm.apply(x, false);
      expect(maxAbsDiff(valuesOf(y), fixture.f32(`${setting}.eval_y`))).toBeLessThan(1e-5);
      expect(norm.state.map((e) => valuesOf(e.variable))).toEqual(before);
      tf.dispose([x, y]);
      norm.dispose();
    },
  );
});

describe('BatchNorm2d gradients on cpu (PyTorch fixture)', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it.each(Object.keys(SETTINGS) as Setting[])(
    '%s: input, weight and bias gradients of sum(y · upstream) match within 1e-5',
    (setting) => {
      const norm = fromFixture(setting);
      const x = tf.tensor4d(fixture.f32('x'), SHAPE);
      const upstream = tf.tensor4d(fixture.f32('upstream'), SHAPE);
      const trainable = norm.state.filter((e) => e.variable.trainable).map((e) => e.variable);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(norm.apply(x, true), upstream)) as tf.Scalar,
        trainable,
      );
      const dx = tf.grad((input) =>
        tf.sum(tf.mul(norm.apply(input as tf.Tensor4D, true), upstream)),
      )(x);
      expect(maxAbsDiff(valuesOf(dx), fixture.f32(`${setting}.dx`))).toBeLessThan(1e-5);
      expect(
        maxAbsDiff(
          valuesOf(grads[norm.bias.variable.name] as tf.Tensor),
          fixture.f32(`${setting}.dbias`),
        ),
      ).toBeLessThan(1e-5);
      if (setting === 'default') {
        expect(
          maxAbsDiff(
            valuesOf(grads[norm.weight.variable.name] as tf.Tensor),
            fixture.f32(`${setting}.dweight`),
          ),
        ).toBeLessThan(1e-5);
      } else {
        expect(grads[norm.weight.variable.name]).toBeUndefined();
      }
      tf.dispose([x, upstream, value, dx, ...Object.values(grads)]);
      norm.dispose();
    },
  );

  it('eval mode has the gradient of a fixed per-channel affine map (fine-tuning with frozen statistics)', () => {
    const norm = fromFixture('default');
    const x = tf.tensor4d(fixture.f32('x'), SHAPE);
    const upstream = tf.tensor4d(fixture.f32('upstream'), SHAPE);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(norm.apply(x, false), upstream)) as tf.Scalar,
      [norm.weight.variable, norm.bias.variable],
    );
    const [w, rm, rv] = ['weight', 'running_mean', 'running_var'].map((k) =>
      fixture.f32(`default.before.${k}`),
    ) as [Float32Array, Float32Array, Float32Array];
    const xs = fixture.f32('x');
    const up = fixture.f32('upstream');
    const dWeight = [0, 0, 0, 0];
    const dBias = [0, 0, 0, 0];
    const dx = Array.from(xs, (v, i) => {
      const c = i % 4;
      const inverse = 1 / Math.sqrt((rv[c] as number) + 1e-5);
      dWeight[c] = (dWeight[c] as number) + (up[i] as number) * (v - (rm[c] as number)) * inverse;
      dBias[c] = (dBias[c] as number) + (up[i] as number);
      return (up[i] as number) * (w[c] as number) * inverse;
    });
    const ourDx = tf.grad((input) =>
      tf.sum(tf.mul(norm.apply(input as tf.Tensor4D, false), upstream)),
    )(x);
    expect(maxAbsDiff(valuesOf(ourDx), dx)).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(valuesOf(grads[norm.weight.variable.name] as tf.Tensor), dWeight),
    ).toBeLessThan(1e-4);
    expect(maxAbsDiff(valuesOf(grads[norm.bias.variable.name] as tf.Tensor), dBias)).toBeLessThan(
      1e-4,
    );
    ourDx.dispose();
    tf.dispose([x, upstream, value, ...Object.values(grads)]);
    norm.dispose();
  });
});
