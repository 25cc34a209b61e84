import '@cnnkit/tfjs-gradients';
import '@tensorflow/tfjs-backend-wasm';
import {
  batchNormTrainGradKernel,
  batchNormTrainKernel,
  biasReluGradKernel,
  biasReluKernel,
  fusedSgdKernel,
  geluGradKernel,
  geluKernel,
  softmaxCrossEntropyKernel,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { prepareWasmTrainingKernels, registerWasmTrainingKernels } from './index.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';

describe('registerWasmTrainingKernels', () => {
  it('runs its TSDoc example: a conv2d filter gradient on wasm', async () => {
    await tf.setBackend('wasm');
    const { added, replaced } = registerWasmTrainingKernels();
    expect(added).toEqual([
      tf.Conv2DBackpropFilter,
      fusedSgdKernel.kernelName,
      softmaxCrossEntropyKernel.kernelName,
      biasReluKernel.kernelName,
      biasReluGradKernel.kernelName,
      geluKernel.kernelName,
      geluGradKernel.kernelName,
      batchNormTrainKernel.kernelName,
      batchNormTrainGradKernel.kernelName,
    ]);
    expect(replaced.map((config) => config.kernelName)).toEqual([
      tf.Conv2D,
      tf.Conv2DBackpropInput,
      tf.MaxPool,
      tf.MaxPoolGrad,
      tf.BatchMatMul,
      tf.Add,
      tf.Sum,
      tf.Mean,
      tf.Identity,
      tf.Cast,
    ]);
    expect(await prepareWasmTrainingKernels()).toBe(true);
    const before = tf.memory().numTensors;
    const filter = tf.tidy(() => tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4])));
    const gradientShape = tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, filter, 1, 'same')));
      return grads[filter.name]?.shape;
    });
    expect(gradientShape).toEqual([3, 3, 3, 4]);
    filter.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is idempotent and leaves this package’s kernels installed', async () => {
    await tf.setBackend('wasm');
    const first = registerWasmTrainingKernels();
    expect(registerWasmTrainingKernels()).toEqual(first);
    expect(first.replaced.map((config) => config.kernelFunc)).not.toContain(
      maxPoolGradConfig.kernelFunc,
    );
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc).toBe(
      conv2DBackpropFilterConfig.kernelFunc,
    );
    expect(tf.getKernel(tf.MaxPoolGrad, 'wasm')?.kernelFunc).toBe(maxPoolGradConfig.kernelFunc);
  });
});
