import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropyLoss } from './cross-entropy.js';
import pieces from './fixtures/recipe-pieces.json' with { type: 'json' };
import '@cnnkit/tfjs-gradients';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxDifference, reportDifference } from './test-support/max-difference.js';

const { logits, shape, labels, cases } = pieces.labelSmoothing;

describe.each(TEST_BACKENDS)('crossEntropyLoss with label smoothing (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(cases)(
    'matches F.cross_entropy(label_smoothing=$smoothing, reduction=$reduction), value and gradient',
    ({ smoothing, reduction, loss, grad }) => {
      const x = tf.tensor2d(logits, shape as [number, number]);
      const y = tf.tensor1d(labels, 'int32');
      const { value, grads } = tf.valueAndGrads((t: tf.Tensor) =>
        crossEntropyLoss(t as tf.Tensor2D, y, {
          labelSmoothing: smoothing,
          reduction: reduction as 'mean' | 'sum',
        }),
      )([x]);
      const lossDiff = Math.abs((value.dataSync()[0] as number) - loss);
      const gradDiff = maxDifference((grads[0] as tf.Tensor).dataSync(), grad);
      reportDifference(`${backend} loss ε=${smoothing} ${reduction}`, lossDiff);
      reportDifference(`${backend} grad ε=${smoothing} ${reduction}`, gradDiff);
      // float32 against PyTorch's float64; a sum over 6 images of ~3-nat losses.
      expect(lossDiff).toBeLessThan(1e-5);
      expect(gradDiff).toBeLessThan(1e-6);
      tf.dispose([x, y, value, grads]);
    },
  );

  it('is the plain loss at smoothing 0 and differs from it otherwise', () => {
    const x = tf.tensor2d(logits, shape as [number, number]);
    const y = tf.tensor1d(labels, 'int32');
    const plain = crossEntropyLoss(x, y);
    const zero = crossEntropyLoss(x, y, { labelSmoothing: 0 });
    const smoothed = crossEntropyLoss(x, y, { labelSmoothing: 0.2 });
    expect(zero.dataSync()).toEqual(plain.dataSync());
    expect(smoothed.dataSync()[0]).not.toBe(plain.dataSync()[0]);
    tf.dispose([x, y, plain, zero, smoothed]);
  });

  it('rejects smoothing outside [0, 1] and unknown reductions, quoting the value', () => {
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor1d([0], 'int32');
    expect(() => crossEntropyLoss(x, y, { labelSmoothing: 1.5 })).toThrow(
      /labelSmoothing must be from 0 to 1, got 1.5/,
    );
    expect(() => crossEntropyLoss(x, y, { reduction: 'none' as unknown as 'sum' })).toThrow(
      /reduction must be 'mean' or 'sum', got "none"/,
    );
    tf.dispose([x, y]);
  });
});
