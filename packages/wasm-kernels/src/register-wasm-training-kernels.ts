import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import type { RegisteredKernels } from './types.js';
import { getWasmBackendInternals } from './wasm-backend-internals.js';

/** The kernels this package installs on the 'wasm' backend, replacing any it already has. */
export const wasmTrainingKernelConfigs: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
];

// Kept across calls so a repeated registration still reports the wasm backend's originals.
const originals = new Map<string, tf.KernelConfig>();

/**
 * Makes CNN training work on tfjs's wasm backend: adds Conv2DBackpropFilter (missing from
 * tfjs-backend-wasm 4.22, so any conv2d gradient throws), replaces MaxPoolGrad (wrong when a
 * pooling window's maximum is negative) and Conv2DBackpropInput (correct but a slow loop;
 * this one runs on XNNPACK's convolution).
 *
 * Call it after `await tf.setBackend('wasm')`; calling it again changes nothing and returns the
 * same report. Throws a clear error when tfjs-core is not 4.22.x or the wasm backend lacks the
 * internals the kernels use.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from '@cnnkit/wasm-kernels';
 *
 * await tf.setBackend('wasm');
 * const { added, replaced } = registerWasmTrainingKernels();
 * console.log(added, replaced.map((config) => config.kernelName));
 * // [ 'Conv2DBackpropFilter' ] [ 'Conv2DBackpropInput', 'MaxPoolGrad' ]
 * const filter = tf.tidy(() => tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4])));
 * const gradientShape = tf.tidy(() => {
 *   const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
 *   const { grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, filter, 1, 'same')));
 *   return grads[filter.name]?.shape;
 * });
 * console.log(gradientShape); // [3, 3, 3, 4]
 * filter.dispose();
 * ```
 */
export function registerWasmTrainingKernels(): RegisteredKernels {
  getWasmBackendInternals();
  for (const config of wasmTrainingKernelConfigs) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) {
      originals.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
  return {
    added: wasmTrainingKernelConfigs
      .map((config) => config.kernelName)
      .filter((name) => !originals.has(name)),
    replaced: [...originals.values()],
  };
}
