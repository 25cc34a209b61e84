/**
 * Training kernels for TensorFlow.js's wasm backend: `registerWasmTrainingKernels()` adds the
 * Conv2DBackpropFilter kernel tfjs-backend-wasm 4.22 lacks, replaces its MaxPoolGrad, which
 * is wrong when a pooling window's maximum is negative, replaces its Conv2D, its slow
 * Conv2DBackpropInput and BatchMatMul with SIMD kernels (fused multiply-adds where the engine
 * has relaxed SIMD), and adds a fused SGD step for `@cnnkit/trainer`. Pinned to
 * tfjs 4.22.x because the kernels read tensors straight from the wasm heap.
 *
 * @packageDocumentation
 */
export { batchMatMulConfig } from './kernels/batch-mat-mul.js';
export { addConfig, sumConfig } from './kernels/bias.js';
export { biasReluConfig, biasReluGradConfig } from './kernels/bias-relu.js';
export { conv2DConfig } from './kernels/conv2d.js';
export { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
export { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
export { fusedSgdConfig } from './kernels/fused-sgd.js';
export { castConfig, identityConfig } from './kernels/identity.js';
export { maxPoolGradConfig } from './kernels/max-pool-grad.js';
export { softmaxCrossEntropyConfig } from './kernels/softmax-cross-entropy.js';
export { prepareWasmTrainingKernels } from './prepare-wasm-training-kernels.js';
export {
  registerWasmTrainingKernels,
  wasmTrainingKernelConfigs,
} from './register-wasm-training-kernels.js';
export { type SimdVariant, simdVariant } from './simd/simd-kernels.js';
export type { RegisteredKernels } from './types.js';
export { supportedTfjsVersion } from './wasm-backend-internals.js';
