import * as tf from '@tensorflow/tfjs-core';
import { addConfig } from './kernels/add.js';
import { batchMatMulConfig } from './kernels/batch-mat-mul.js';
import { batchNormTrainConfig, batchNormTrainGradConfig } from './kernels/batch-norm.js';
import { biasReluConfig } from './kernels/bias-relu.js';
import { biasReluGradConfig } from './kernels/bias-relu-grad.js';
import { castConfig } from './kernels/cast.js';
import { conv2DConfig } from './kernels/conv2d.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { fusedSgdConfig } from './kernels/fused-sgd.js';
import { geluConfig, geluGradConfig } from './kernels/gelu.js';
import { identityConfig } from './kernels/identity.js';
import { maxPoolConfig } from './kernels/max-pool.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { meanConfig } from './kernels/mean.js';
import { originalKernels, rememberOriginalKernel } from './kernels/original-kernels.js';
import { softmaxCrossEntropyConfig } from './kernels/softmax-cross-entropy.js';
import { sumConfig } from './kernels/sum.js';
import type { RegisteredKernels } from './types.js';
import { getWasmBackendInternals } from './wasm-backend-internals.js';

/** The kernels this package installs on the 'wasm' backend, replacing any it already has. */
export const wasmTrainingKernelConfigs: readonly tf.KernelConfig[] = [
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  addConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  fusedSgdConfig,
  softmaxCrossEntropyConfig,
  biasReluConfig,
  biasReluGradConfig,
  geluConfig,
  geluGradConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
];

/**
 * Makes CNN training work, and fast, on tfjs's wasm backend: adds Conv2DBackpropFilter
 * (missing from tfjs-backend-wasm 4.22, so any conv2d gradient throws) and a fused SGD step
 * (`fusedSgdKernel`, used by `@cnnkit/trainer`'s SgdOptimizer) and a fused softmax
 * cross-entropy with its gradient (`softmaxCrossEntropyKernel`, used by its
 * crossEntropyLoss) and a fused bias + ReLU with its gradient (`biasReluKernel`,
 * `biasReluGradKernel`, used by `@cnnkit/models`' biasRelu) and GELU with its gradient
 * (`geluKernel`, `geluGradKernel`, used by its gelu) and BatchNorm's training forward with its
 * gradient (`batchNormTrainKernel`, `batchNormTrainGradKernel`, used by its BatchNorm2d) — the
 * contracts of
 * `@cnnkit/contracts` —, and replaces MaxPoolGrad
 * (wrong when a pooling window's maximum is negative), MaxPool (on the kernel threads, with
 * MaxPoolGrad's maxima), Conv2D (faster, and NCHW too),
 * Conv2DBackpropInput (a slow loop),
 * BatchMatMul (scalar loops for the transposed products of dense-layer gradients) and Mean over
 * every axis but the last (BatchNorm's statistics; the original transposes its whole input). The heavy
 * kernels run in this package's WebAssembly SIMD module, which works on the backend's memory in
 * place; cases it does not cover use XNNPACK or the original kernels.
 *
 * `startWasmTraining()` calls it for you; call it yourself only if you start tfjs yourself,
 * after `await tf.setBackend('wasm')`. Calling it again changes nothing and returns the same
 * report. Throws a clear error when tfjs-core is not 4.22.x or the wasm backend lacks the
 * internals the kernels use.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import '@cnnkit/tfjs-gradients'; // tfjs-core's gradient functions, in Node and bundlers
 * import { registerWasmTrainingKernels } from '@cnnkit/wasm-kernels';
 *
 * await tf.setBackend('wasm');
 * const { added, replaced } = registerWasmTrainingKernels();
 * added[0]; // 'Conv2DBackpropFilter'
 * added.length; // 9
 * replaced.length; // 10
 * const filter = tf.tidy(() => tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4])));
 * const gradientShape = tf.tidy(() => {
 *   const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
 *   const { grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, filter, 1, 'same')));
 *   return grads[filter.name]?.shape;
 * });
 * gradientShape; // [3, 3, 3, 4]
 * filter.dispose();
 * ```
 */
export function registerWasmTrainingKernels(): RegisteredKernels {
  getWasmBackendInternals();
  for (const config of wasmTrainingKernelConfigs) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) {
      rememberOriginalKernel(current);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
  const replaced = originalKernels();
  const replacedNames = new Set(replaced.map((config) => config.kernelName));
  return {
    added: wasmTrainingKernelConfigs
      .map((config) => config.kernelName)
      .filter((name) => !replacedNames.has(name)),
    replaced,
  };
}
