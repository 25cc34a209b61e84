import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patchCovariance } from './patch-covariance.js';
import { useBackend } from './test-support/backends.js';
import { maxAbs, maxAbsDiff } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';
import { whiteningWeights } from './whitening-weights.js';

const fixture = fixtureTensors('whitening.safetensors');
const D = 12;
const OPTIONS = { inChannels: 3, kernelSize: 2, eps: 5e-4 };

/**
 * Largest difference from PyTorch's filters, allowing each eigenvector's sign to differ
 * (LAPACK's is arbitrary): then filter i and filter i + d trade places.
 */
function differenceUpToSign(ours: Float32Array, theirs: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < D; i++) {
    const filter = (w: Float32Array, k: number) => w.subarray(k * D, (k + 1) * D);
    const same = Math.max(
      maxAbsDiff(filter(ours, i), filter(theirs, i)),
      maxAbsDiff(filter(ours, i + D), filter(theirs, i + D)),
    );
    const swapped = Math.max(
      maxAbsDiff(filter(ours, i), filter(theirs, i + D)),
      maxAbsDiff(filter(ours, i + D), filter(theirs, i)),
    );
    worst = Math.max(worst, Math.min(same, swapped));
  }
  return worst;
}

describe('whiteningWeights', () => {
  it("gives PyTorch's filters (eigh, flipped, scaled by 1/√(λ + eps), then negated) within 1e-5", () => {
    const theirs = fixture.f32('weights');
    const ours = whiteningWeights(fixture.f64('covariance'), OPTIONS);
    expect(ours.length).toBe(2 * D * D);
    expect(differenceUpToSign(ours, theirs)).toBeLessThan(1e-5 * maxAbs(theirs));
    // The second half is the first negated.
    expect(Array.from(ours.subarray(D * D), (v) => -v)).toEqual(
      Array.from(ours.subarray(0, D * D)),
    );
  });

  it('whitens: the filtered patches are uncorrelated with variance λ/(λ + eps)', () => {
    const covariance = fixture.f64('covariance');
    const eigenvalues = fixture.f64('eigenvalues');
    const w = whiteningWeights(covariance, OPTIONS);
    let worst = 0;
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        // (W C Wᵀ)[i][j]
        let sum = 0;
        for (let a = 0; a < D; a++)
          for (let b = 0; b < D; b++)
            sum +=
              (w[i * D + a] as number) *
              (covariance[a * D + b] as number) *
              (w[j * D + b] as number);
        const lambda = eigenvalues[i] as number;
        const expected = i === j ? lambda / (lambda + OPTIONS.eps) : 0;
        worst = Math.max(worst, Math.abs(sum - expected));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('rejects a covariance of the wrong size, and a negative one', () => {
    expect(() => whiteningWeights(new Float64Array(16), OPTIONS)).toThrow(
      'whiteningWeights: a 2×2×3 patch has 12 values, so the covariance needs 144; got 16.',
    );
    const negative = new Float64Array(D * D);
    for (let i = 0; i < D; i++) negative[i * (D + 1)] = -1;
    expect(() => whiteningWeights(negative, OPTIONS)).toThrow(
      'whiteningWeights: eigenvalue -1 + eps 0.0005 is not positive',
    );
  });
});

describe('whitening from images on cpu', () => {
  let tensorsBefore = 0;
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("matches PyTorch's filters computed from the same images within 1e-3", () => {
    const images = tf.tensor4d(fixture.f32('images_nhwc'), [6, 12, 12, 3]);
    const ours = whiteningWeights(patchCovariance(images, 2), OPTIONS);
    // float32 sums move the covariance by ~1e-7 of its scale; the closest eigenvalues are
    // 1e-3 apart (relative), so eigenvectors can move by ~1e-4.
    expect(differenceUpToSign(ours, fixture.f32('weights'))).toBeLessThan(1e-3);
    images.dispose();
  });
});
