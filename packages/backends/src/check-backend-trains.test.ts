import '@tensorflow/tfjs-backend-cpu';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBackendTrains } from './check-backend-trains.js';
import { quietCpuBackend } from './quiet-cpu-backend.js';
import { registerCpuClone } from './test-support/cpu-clone-backend.js';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  await tf.setBackend('cpu');
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Activates a cpu clone with some kernels swapped (see registerCpuClone). */
async function useCpuClone(
  name: string,
  alter: (config: tf.KernelConfig) => tf.KernelConfig | undefined,
): Promise<void> {
  cleanups.push(registerCpuClone(name, alter));
  expect(await tf.setBackend(name)).toBe(true);
}

describe('checkBackendTrains', () => {
  it('passes on cpu and on wasm with cnnkit kernels, without leaking tensors', async () => {
    await tf.setBackend('cpu');
    quietCpuBackend();
    const before = tf.memory().numTensors;
    await checkBackendTrains();
    expect(tf.memory().numTensors).toBe(before);

    await startWasmTraining();
    const beforeWasm = tf.memory().numTensors;
    await checkBackendTrains();
    expect(tf.memory().numTensors).toBe(beforeWasm);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('lists every missing training kernel, without leaking tensors', async () => {
    await useCpuClone('cpu-without-gradients', (config) =>
      config.kernelName === tf.Conv2DBackpropFilter || config.kernelName === tf.MaxPoolGrad
        ? undefined
        : config,
    );
    const before = tf.memory().numTensors;
    await expect(checkBackendTrains()).rejects.toThrow(
      /^kernels missing for training: (MaxPoolGrad, Conv2DBackpropFilter|Conv2DBackpropFilter, MaxPoolGrad)$/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the quantities a wrong kernel changes, with the cpu values', async () => {
    // Average-pool gradients instead of max-pool ones: plausible numbers, wrong training.
    const avgPoolGrad = tf.getKernel(tf.AvgPoolGrad, 'cpu') as tf.KernelConfig;
    await useCpuClone('cpu-with-wrong-max-pool-grad', (config) =>
      config.kernelName === tf.MaxPoolGrad ? avgPoolGrad : config,
    );
    const before = tf.memory().numTensors;
    await expect(checkBackendTrains()).rejects.toThrow(
      /^training step differs from the cpu backend: d filter1\[\d+\] -?\d\.\d+(e-\d+)? \(cpu: -?\d\.\d+(e-\d+)?\), d filter2\[\d+\] .*\(cpu: .*\), /,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    { factor: 1.00001, passes: true },
    { factor: 1.01, passes: false },
  ])(
    'with relu scaled by $factor, it passes: $passes (the tolerance is 2e-3)',
    async ({ factor, passes }) => {
      await useCpuClone(`cpu-with-relu-times-${factor}`, (config) =>
        config.kernelName === tf.Relu ? scaledRelu(factor) : config,
      );
      const check = checkBackendTrains();
      if (passes) await expect(check).resolves.toBeUndefined();
      else await expect(check).rejects.toThrow(/^training step differs from the cpu backend: /);
    },
  );
});

/** cpu's Relu with its output multiplied by `factor`. */
function scaledRelu(factor: number): tf.KernelConfig {
  const relu = tf.getKernel(tf.Relu, 'cpu') as tf.KernelConfig;
  const multiply = tf.getKernel(tf.Multiply, 'cpu') as tf.KernelConfig;
  return {
    ...relu,
    kernelFunc: (args) => {
      const backend = args.backend as unknown as {
        makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
        disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
      };
      const y = relu.kernelFunc(args) as tf.TensorInfo;
      const scale = backend.makeTensorInfo([], 'float32', Float32Array.of(factor));
      const scaled = multiply.kernelFunc({
        inputs: { a: y, b: scale },
        backend: args.backend,
        attrs: {},
      }) as tf.TensorInfo;
      backend.disposeIntermediateTensorInfo(y);
      backend.disposeIntermediateTensorInfo(scale);
      return scaled;
    },
  };
}
