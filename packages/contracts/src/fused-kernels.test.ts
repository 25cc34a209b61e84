import '@cnnkit/tfjs-gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  biasReluKernel,
  defineFusedKernel,
  type FusedKernelAttrs,
  type FusedKernelInputs,
  fusedSgdKernel,
  hasFusedKernel,
  runFusedKernel,
  softmaxCrossEntropyKernel,
} from './fused-kernels.js';

interface CpuInternals {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
}

// A plain-JavaScript bias + ReLU registered on cpu the way a backend package registers one.
const cpuBiasRelu = defineFusedKernel(biasReluKernel, 'cpu', ({ inputs, backend }) => {
  const cpu = backend as unknown as CpuInternals;
  const x = cpu.readSync(inputs.x.dataId);
  const bias = cpu.readSync(inputs.bias.dataId);
  const y = x.map((v, i) => Math.max(0, v + (bias[i % bias.length] as number)));
  return [cpu.makeTensorInfo([...inputs.x.shape], 'float32', y)];
});

describe('fused kernel contracts', () => {
  beforeAll(async () => {
    tf.env().set('IS_NODE', false);
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    if (tf.getKernel(biasReluKernel.kernelName, 'cpu') != null) {
      tf.unregisterKernel(biasReluKernel.kernelName, 'cpu');
    }
  });

  it('have distinct, stable names (backends register under these)', () => {
    const names = [biasReluKernel, softmaxCrossEntropyKernel, fusedSgdKernel].map(
      (k) => k.kernelName,
    );
    expect(names).toEqual(['CnnkitBiasRelu', 'CnnkitSoftmaxCrossEntropy', 'CnnkitFusedSgd']);
  });

  it('are found only once a backend registers them', () => {
    expect(hasFusedKernel(biasReluKernel)).toBe(false);
    tf.registerKernel(cpuBiasRelu);
    expect(hasFusedKernel(biasReluKernel)).toBe(true);
    expect(hasFusedKernel(softmaxCrossEntropyKernel)).toBe(false);
  });

  it('run with typed inputs and leak no tensors', () => {
    const before = tf.memory().numTensors;
    const values = tf.tidy(() => {
      const [y] = runFusedKernel(biasReluKernel, {
        x: tf.tensor2d([
          [1, -2],
          [-3, 4],
        ]),
        bias: tf.tensor1d([0.5, 1]),
      });
      return Array.from(y.dataSync());
    });
    expect(values).toEqual([1.5, 0, 0, 5]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('type-check both sides against one declaration', () => {
    type Inputs = FusedKernelInputs<typeof softmaxCrossEntropyKernel>;
    const inputs: Inputs = { logits: tf.zeros([1, 2]), labels: tf.zeros([1], 'int32') };
    const attrs: FusedKernelAttrs<typeof fusedSgdKernel> = {
      count: 1,
      lr: 0.1,
      momentum: 0,
      weightDecay: 0,
      nesterov: false,
      hasBuffers: false,
    };
    // @ts-expect-error: the contract has no input named `scores`.
    const wrong: Inputs = { scores: inputs.logits, labels: inputs.labels };
    // @ts-expect-error: biasRelu takes `x` and `bias`, not `logits`.
    const misuse = () => runFusedKernel(biasReluKernel, { logits: tf.zeros([1]) });
    expect([attrs.count, typeof misuse, wrong.labels.shape]).toEqual([1, 'function', [1]]);
    tf.dispose([inputs.logits as tf.Tensor, inputs.labels as tf.Tensor]);
  });
});
