import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patchCovariance } from './patch-covariance.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxAbs, maxAbsDiff } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('whitening.safetensors');

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe.each(TEST_BACKENDS)('patchCovariance on %s', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it("matches PyTorch's 2×2 patch covariance (airbench's estimate) within 1e-6 of its scale", () => {
    const images = tf.tensor4d(fixture.f32('images_nhwc'), [6, 12, 12, 3]);
    const covariance = patchCovariance(images, 2);
    const expected = fixture.f64('covariance');
    expect(maxAbsDiff(covariance, expected)).toBeLessThan(1e-6 * maxAbs(expected));
    images.dispose();
  });

  it('orders patch values like a PyTorch conv weight: channel, row, column', () => {
    // One 2×2 RGB image is one patch p; E[p pᵀ] = p pᵀ.
    const pixels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // NHWC: (y, x, c)
    const image = tf.tensor4d(pixels, [1, 2, 2, 3]);
    const covariance = patchCovariance(image, 2);
    // PyTorch order (c, y, x): p = [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12].
    const p = [0, 1, 2].flatMap((c) => [0, 1, 2, 3].map((yx) => pixels[yx * 3 + c] as number));
    expect(p.slice(0, 4)).toEqual([1, 4, 7, 10]);
    expect(Array.from(covariance)).toEqual(p.flatMap((a) => p.map((b) => a * b)));
    image.dispose();
  });

  it('gives the same result whatever the chunk size', () => {
    const images = tf.tensor4d(fixture.f32('images_nhwc'), [6, 12, 12, 3]);
    const whole = patchCovariance(images, 2);
    const oneByOne = patchCovariance(images, 2, { chunkSize: 1 });
    expect(maxAbsDiff(whole, oneByOne)).toBeLessThan(1e-6 * maxAbs(whole));
    images.dispose();
  });

  it('names the shape when images have no patch', () => {
    const image = tf.zeros([1, 1, 5, 3]) as tf.Tensor4D;
    expect(() => patchCovariance(image, 2)).toThrow(
      'patchCovariance needs at least one 2×2 patch; got images of shape [1, 1, 5, 3].',
    );
    image.dispose();
  });
});
