/**
 * Training on TensorFlow.js's wasm backend: `startWasmTraining()` starts the backend with
 * cnnkit's kernels, which add the Conv2DBackpropFilter kernel tfjs-backend-wasm 4.22 lacks,
 * fix its MaxPoolGrad and Cast to bool, replace its Conv2D, Conv2DBackpropInput, MaxPool, BatchMatMul
 * and bias kernels with SIMD code (fused multiply-adds where the engine has relaxed SIMD), and
 * add the fused kernels of `@cnnkit/contracts`. Pinned to tfjs 4.22.x because the kernels read
 * tensors straight from the wasm heap. Node: `@cnnkit/wasm-kernels/node`; Vite:
 * `@cnnkit/wasm-kernels/vite`.
 *
 * @packageDocumentation
 */

export { defaultTrainingThreads, smallBatchSize } from './default-training-threads.js';
export { prepareWasmTrainingKernels } from './prepare-wasm-training-kernels.js';
export { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
export { setWasmTrainingThreads } from './set-wasm-training-threads.js';
export { type SimdVariant, simdVariant } from './simd/simd-kernels.js';
export { startWasmTraining, wasmTrainingDetail } from './start-wasm-training.js';
export type { RegisteredKernels, StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';
export { supportedTfjsVersion } from './wasm-backend-internals.js';
