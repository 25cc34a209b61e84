import '@cnnkit/tfjs-gradients';
import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIMPLE_CNN_LAYOUTS, SimpleCNN } from './simple-cnn.js';
import { useBackend } from './test-support/backends.js';
import { readFixture, readTorchIo } from './test-support/fixtures.js';

let tensorsBefore = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** Mean softmax cross-entropy, PyTorch's CrossEntropyLoss default. */
function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

// cpu only: stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (apps register
// @cnnkit/wasm-kernels for training), and this package must not depend on a kernel package.
describe('SimpleCNN gradients on cpu', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });

  it("match PyTorch's for the fixture batch within 1e-5", () => {
    const { images } = readTorchIo();
    const { tensors } = decodeSafetensors(readFixture('simple-cnn-grads.safetensors'));
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(readFixture('simple-cnn-weights.safetensors'));
    const labelsTensor = tensors.get('labels');
    expect(labelsTensor?.dtype).toBe('I32');
    const input = tf.tensor4d(images, [2, 32, 32, 3]);
    const labels = tf.tensor1d(
      new Int32Array(tensorToFloat32(labelsTensor as NonNullable<typeof labelsTensor>)),
      'int32',
    );
    const { value, grads } = tf.variableGrads(() => meanCrossEntropy(model.logits(input), labels));
    let compared = 0;
    SIMPLE_CNN_LAYOUTS.forEach((layout, i) => {
      const expected = tensors.get(`${layout.name}.grad`);
      if (!expected) return;
      const variable = model.parameters[i]?.variable as tf.Variable;
      const ours = layout.toTorch(grads[variable.name]?.dataSync() as Float32Array);
      const theirs = tensorToFloat32(expected);
      // Partial fixtures (fc1.weight) hold the leading rows of PyTorch's layout.
      for (let j = 0; j < theirs.length; j++) {
        expect(
          Math.abs((ours[j] as number) - (theirs[j] as number)),
          `${layout.name}[${j}]`,
        ).toBeLessThan(1e-5);
      }
      compared++;
    });
    expect(compared).toBe(8);
    tf.dispose([input, labels, value, ...Object.values(grads)]);
    model.dispose();
  });
});
