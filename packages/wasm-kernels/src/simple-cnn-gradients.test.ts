import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  seededValues,
  useBackend,
  useWasmWithTrainingKernels,
} from './test-support/compare-backends.js';

// SimpleCNN's layers (PyTorch's CIFAR-10 tutorial net): conv 3→6 5×5, relu, max pool 2,
// conv 6→16 5×5, relu, max pool 2, then fully connected 400→120→84→10.
const parameterShapes: Record<string, number[]> = {
  conv1Weight: [5, 5, 3, 6],
  conv1Bias: [6],
  conv2Weight: [5, 5, 6, 16],
  conv2Bias: [16],
  fc1Weight: [400, 120],
  fc1Bias: [120],
  fc2Weight: [120, 84],
  fc2Bias: [84],
  fc3Weight: [84, 10],
  fc3Bias: [10],
};

type Parameters = Record<string, tf.Tensor>;

function loss(p: Parameters, images: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  const conv = (x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor) =>
    tf.relu(tf.add(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid'), b)) as tf.Tensor4D;
  const dense = (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor) =>
    tf.add(tf.matMul(x, w as tf.Tensor2D), b) as tf.Tensor2D;
  const c1 = tf.maxPool(conv(images, p.conv1Weight!, p.conv1Bias!), 2, 2, 'valid');
  const c2 = tf.maxPool(conv(c1, p.conv2Weight!, p.conv2Bias!), 2, 2, 'valid');
  const h1 = tf.relu(dense(tf.reshape(c2, [images.shape[0], 400]), p.fc1Weight!, p.fc1Bias!));
  const h2 = tf.relu(dense(h1, p.fc2Weight!, p.fc2Bias!));
  const logits = dense(h2, p.fc3Weight!, p.fc3Bias!);
  const viaLosses = tf.losses.softmaxCrossEntropy(labels, logits);
  const viaLogSoftmax = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
  return tf.add(viaLosses, viaLogSoftmax) as tf.Scalar;
}

/** Loss and every parameter's and the images' gradient, as plain arrays. */
function lossAndGradients(batch: number, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const names = Object.keys(parameterShapes);
    const tensors = names.map((name, i) => {
      const shape = parameterShapes[name]!;
      const values = seededValues(
        shape.reduce((a, b) => a * b),
        seed + i,
      );
      return tf.mul(tf.tensor(values, shape), 0.3);
    });
    const images = tf.tensor4d(seededValues(batch * 32 * 32 * 3, seed + 100), [batch, 32, 32, 3]);
    const classes = Array.from({ length: batch }, (_, i) => (i * 7 + seed) % 10);
    // float32: tf.losses would otherwise cast the int32 one-hot with a chained op, which
    // Node's tfjs-core build does not register.
    const labels = tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), 10), 'float32') as tf.Tensor2D;
    const { value, grads } = tf.valueAndGrads((...inputs: tf.Tensor[]) =>
      loss(
        Object.fromEntries(names.map((n, i) => [n, inputs[i]!])),
        inputs.at(-1) as tf.Tensor4D,
        labels,
      ),
    )([...tensors, images]);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('SimpleCNN gradients on wasm match the cpu backend', () => {
  beforeAll(useWasmWithTrainingKernels);

  it.each([1, 4])(
    'batch %i: loss, every parameter gradient and the input gradient',
    async (batch) => {
      await useBackend('cpu');
      const expected = lossAndGradients(batch, 11);
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = lossAndGradients(batch, 11);
      expect(tf.memory().numTensors).toBe(before);
      expect(actual).toHaveLength(expected.length);
      for (const [i, values] of actual.entries()) expectClose(values, expected[i]!, 1e-3);
    },
  );
});
