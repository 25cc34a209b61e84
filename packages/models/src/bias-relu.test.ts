import '@cnnkit/tfjs-gradients';
import { biasReluGradKernel, biasReluKernel, defineFusedKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { biasRelu } from './bias-relu.js';
import { useBackend } from './test-support/backends.js';

const xValues = [
  [1, -2, 0.5],
  [-3, 4, 0],
  [Number.NaN, 2, -1],
];
const biasValues = [0.5, 1, -0.5];
// Upstream gradient, distinct per element so that misrouted values show.
const dyValues = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

function valueAndGradients(op: (x: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor) {
  return tf.tidy(() => {
    const x = tf.tensor2d(xValues);
    const bias = tf.tensor1d(biasValues);
    const dy = tf.tensor2d(dyValues);
    const y = op(x, bias);
    const [dx, dBias] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(op(a as tf.Tensor2D, b as tf.Tensor1D), dy)),
    )([x, bias]);
    return {
      y: Array.from(y.dataSync()),
      dx: Array.from(dx!.dataSync()),
      dBias: Array.from(dBias!.dataSync()),
    };
  });
}

const composed = (x: tf.Tensor2D, bias: tf.Tensor1D) => tf.relu(tf.add(x, bias));

describe('biasRelu without a fused kernel (tfjs ops)', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the value and gradients of tf.relu(tf.add(x, bias)), NaN included', () => {
    const expected = valueAndGradients(composed);
    expect(valueAndGradients(biasRelu)).toEqual(expected);
    expect(expected.y).toEqual([1.5, 0, 0, 0, 5, 0, Number.NaN, 3, 0]);
  });

  it('leaves only its result behind when called outside tf.tidy', () => {
    const x = tf.tensor2d(xValues);
    const bias = tf.tensor1d(biasValues);
    const before = tf.memory().numTensors;
    const y = biasRelu(x, bias);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, bias, y]);
  });
});

describe('biasRelu on a backend with the fused kernels', () => {
  const calls: string[] = [];
  type CpuInternals = {
    readSync(dataId: tf.DataId): Float32Array;
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  // Stand-ins for @cnnkit/wasm-kernels' kernels, on cpu, following the documented contract.
  const forward = defineFusedKernel(biasReluKernel, 'cpu', ({ inputs, backend }) => {
    calls.push(biasReluKernel.kernelName);
    const cpu = backend as unknown as CpuInternals;
    const x = inputs.x;
    const bias = cpu.readSync(inputs.bias.dataId);
    const channels = bias.length;
    const out = cpu.readSync(x.dataId).map((v, i) => {
      const sum = v + (bias[i % channels] as number);
      return Math.max(sum, 0);
    });
    return [cpu.makeTensorInfo([...x.shape], 'float32', out)];
  });
  const backward = defineFusedKernel(biasReluGradKernel, 'cpu', ({ inputs, backend }) => {
    calls.push(biasReluGradKernel.kernelName);
    const cpu = backend as unknown as CpuInternals;
    const y = inputs.y;
    const yValues = cpu.readSync(y.dataId);
    const channels = y.shape.at(-1) as number;
    const dx = cpu.readSync(inputs.dy.dataId).map((g, i) => {
      const out = yValues[i] as number;
      return out > 0 ? g : Number.isNaN(out) ? Number.NaN : 0;
    });
    const dBias = new Float32Array(channels);
    dx.forEach((g, i) => {
      dBias[i % channels] = (dBias[i % channels] as number) + g;
    });
    return [
      cpu.makeTensorInfo([...y.shape], 'float32', dx),
      cpu.makeTensorInfo([channels], 'float32', dBias),
    ];
  });

  beforeAll(() => useBackend('cpu'));
  afterEach(() => {
    for (const { kernelName: name } of [biasReluKernel, biasReluGradKernel]) {
      if (tf.getKernel(name, 'cpu') != null) tf.unregisterKernel(name, 'cpu');
    }
    calls.length = 0;
  });

  it('runs one kernel forward and one backward, with the composed ops’ results', () => {
    const expected = valueAndGradients(composed);
    tf.registerKernel(forward);
    tf.registerKernel(backward);
    const before = tf.memory().numTensors;
    expect(valueAndGradients(biasRelu)).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
    // One forward for y, one forward and one backward (both gradients) for tf.grads.
    const [f, b] = [biasReluKernel.kernelName, biasReluGradKernel.kernelName];
    expect(calls).toEqual([f, f, b]);
  });

  it('computes the gradient with tfjs ops when the backend has only the forward kernel', () => {
    const expected = valueAndGradients(composed);
    tf.registerKernel(forward);
    expect(valueAndGradients(biasRelu)).toEqual(expected);
    expect(calls).toEqual([biasReluKernel.kernelName, biasReluKernel.kernelName]);
  });
});
