import '@cnnkit/tfjs-gradients';
import { defineFusedKernel, geluKernel } from '@cnnkit/contracts';
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

/** erf by Abramowitz & Stegun 7.1.26 (within 1.5e-7), in float64. */
function erf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z));
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfAbs = 1 - poly * Math.exp(-z * z);
  return z < 0 ? -erfAbs : erfAbs;
}

describe('gelu on a backend with the fused forward kernel only', () => {
  // A plain-JavaScript geluKernel on cpu, registered as a backend package would, without
  // geluGradKernel: gelu then runs the kernel and its gradient comes from tfjs ops.
  const cpuGelu = defineFusedKernel(geluKernel, 'cpu', ({ inputs, backend }) => {
    const cpu = backend as unknown as {
      readSync(id: object): Float32Array;
      makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
    };
    const y = cpu.readSync(inputs.x.dataId).map((v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
    return [cpu.makeTensorInfo([...inputs.x.shape], 'float32', y)];
  });
  beforeEach(async () => {
    await useBackend('cpu');
    tf.registerKernel(cpuGelu);
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => tf.unregisterKernel(geluKernel.kernelName, 'cpu'));

  it("runs the kernel, and its gradient matches PyTorch's within 2e-6", async () => {
    const x = tf.tensor1d(fixture.f32('x'));
    const upstream = tf.tensor1d(fixture.f32('upstream'));
    const profile = await tf.profile(() => gelu(x));
    expect(profile.kernelNames).toEqual([geluKernel.kernelName]);
    tf.dispose(profile.result);
    const y = gelu(x);
    expect(maxAbsDiff(valuesOf(y), fixture.f32('y'))).toBeLessThan(2e-6);
    const dx = tf.grad((input) => tf.sum(tf.mul(gelu(input), upstream)))(x);
    expect(maxAbsDiff(valuesOf(dx), fixture.f32('dx'))).toBeLessThan(2e-6);
    tf.dispose([x, upstream, y, dx]);
  });
});
