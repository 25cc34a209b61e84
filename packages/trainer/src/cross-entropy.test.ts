import { softmaxCrossEntropyKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossEntropyLoss } from './cross-entropy.js';
import reference from './fixtures/torch-reference.json' with { type: 'json' };
import '@cnnkit/tfjs-gradients';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';

/** Cross-entropy and its gradient in plain double-precision JavaScript. */
function referenceCrossEntropy(logits: number[][], labels: number[]) {
  let total = 0;
  const grad = logits.map((row, i) => {
    const max = Math.max(...row);
    const exps = row.map((x) => Math.exp(x - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    total += Math.log(sum) + max - (row[labels[i] as number] as number);
    return exps.map((e, j) => (e / sum - (j === labels[i] ? 1 : 0)) / logits.length);
  });
  return { loss: total / logits.length, grad };
}

function lossAndGrad(logitValues: number[][], labelValues: number[]) {
  const logits = tf.tensor2d(logitValues);
  const labels = tf.tensor1d(labelValues, 'int32');
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
    crossEntropyLoss(x as tf.Tensor2D, labels),
  )([logits]);
  const result = {
    loss: value.dataSync()[0] as number,
    grad: (grads[0] as tf.Tensor).arraySync() as number[][],
  };
  tf.dispose([logits, labels, value, grads]);
  return result;
}

describe.each(TEST_BACKENDS)('crossEntropyLoss (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('matches torch.nn.CrossEntropyLoss value and gradient', () => {
    const { logits, labels, loss, grad } = reference.crossEntropy;
    const actual = lossAndGrad(logits, labels);
    expect(actual.loss).toBeCloseTo(loss, 5);
    actual.grad.flat().forEach((g, i) => {
      expect(g).toBeCloseTo(grad.flat()[i] as number, 6);
    });
  });

  it('matches a plain JavaScript reference', () => {
    const logits = [
      [0.5, -1.25, 3],
      [2, 2, 2],
      [-4, 0.1, 0.2],
    ];
    const labels = [2, 0, 1];
    const expected = referenceCrossEntropy(logits, labels);
    const actual = lossAndGrad(logits, labels);
    expect(actual.loss).toBeCloseTo(expected.loss, 6);
    actual.grad.flat().forEach((g, i) => {
      expect(g).toBeCloseTo(expected.grad.flat()[i] as number, 6);
    });
  });

  it('stays finite for huge logits', () => {
    const logits = [
      [1000, -1000, 0],
      [-500, 800, 0],
    ];
    const actual = lossAndGrad(logits, [1, 1]);
    const expected = referenceCrossEntropy(logits, [1, 1]);
    expect(actual.loss).toBeCloseTo(expected.loss, 2);
    for (const g of actual.grad.flat()) expect(Number.isFinite(g)).toBe(true);
  });

  it('runs its TSDoc example', async () => {
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 0, 5],
    ]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const loss = crossEntropyLoss(logits, labels);
    expect((await loss.data())[0]).toBeCloseTo(0.1265, 4);
    tf.dispose([logits, labels, loss]);
  });

  it('rejects labels that do not match the batch', () => {
    const logits = tf.zeros([2, 3]) as tf.Tensor2D;
    const labels = tf.tensor1d([0], 'int32');
    expect(() => crossEntropyLoss(logits, labels)).toThrow(/one label per row of logits \(2\)/);
    tf.dispose([logits, labels]);
  });
});

describe('crossEntropyLoss with a backend that provides the fused kernel', () => {
  const calls: string[][] = [];
  // A stand-in for @cnnkit/wasm-kernels' kernel on cpu: records its inputs and returns
  // recognisable outputs (loss 7, gradient 0.5 everywhere) so the test sees where they land.
  const fakeKernel: tf.KernelConfig = {
    kernelName: softmaxCrossEntropyKernel.kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      calls.push(Object.entries(inputs).map(([name, t]) => `${name}:${t?.dtype}`));
      const cpu = backend as unknown as {
        makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
      };
      const [batch = 0, classes = 0] = (inputs.logits as tf.TensorInfo).shape;
      return [
        cpu.makeTensorInfo([], 'float32', Float32Array.of(7)),
        cpu.makeTensorInfo(
          [batch, classes],
          'float32',
          new Float32Array(batch * classes).fill(0.5),
        ),
      ];
    },
  };

  beforeAll(async () => {
    await useBackend('cpu');
    tf.registerKernel(fakeKernel);
  });
  afterAll(() => tf.unregisterKernel(softmaxCrossEntropyKernel.kernelName, 'cpu'));

  it('takes the loss and the gradient from one kernel call, scaling the gradient by dy', () => {
    calls.length = 0;
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const labels = tf.tensor1d([0, 2], 'float32');
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
      tf.mul(crossEntropyLoss(x as tf.Tensor2D, labels), 3),
    )([logits]);
    expect(value.dataSync()[0]).toBe(21);
    expect(Array.from((grads[0] as tf.Tensor).dataSync())).toEqual([1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
    // Float labels reach the kernel as int32, as its contract says.
    expect(calls).toEqual([['logits:float32', 'labels:int32']]);
    tf.dispose([logits, labels, value, grads]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
