/**
 * Training kernels for TensorFlow.js's wasm backend: `registerWasmTrainingKernels()` adds the
 * Conv2DBackpropFilter kernel tfjs-backend-wasm 4.22 lacks, replaces its MaxPoolGrad, which
 * is wrong when a pooling window's maximum is negative, and its slow Conv2DBackpropInput.
 * Pinned to tfjs 4.22.x because the kernels read tensors straight from the wasm heap.
 *
 * @packageDocumentation
 */
export { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
export { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
export { maxPoolGradConfig } from './kernels/max-pool-grad.js';
export {
  registerWasmTrainingKernels,
  wasmTrainingKernelConfigs,
} from './register-wasm-training-kernels.js';
export type { RegisteredKernels } from './types.js';
export { supportedTfjsVersion } from './wasm-backend-internals.js';
