import { enableRelaxedSimd } from './enable-relaxed-simd.js';
import { startWasmTraining as startOnAnyPlatform } from './start-wasm-training.js';
import type { StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';

/**
 * Starts TensorFlow.js's wasm backend for training in Node: {@link enableRelaxedSimd} (so Node 20
 * runs the kernels' fused multiply-add build too), then everything the browser entry's
 * `startWasmTraining` does — imports `@tensorflow/tfjs-backend-wasm`, `await
 * tf.setBackend('wasm')`, registers cnnkit's training kernels and starts their SIMD module.
 * Resolves with what runs; calling it again returns the first call's result. tfjs-backend-wasm
 * is single-threaded in Node (`threads` above 1 gives a notice in `detail`).
 *
 * @example
 * ```ts
 * import '@cnnkit/tfjs-gradients'; // tfjs-core's gradient functions, in Node and bundlers
 * import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
 *
 * const { kernels, threads, detail } = await startWasmTraining();
 * kernels; // 'relaxed-simd'
 * threads; // 1
 * console.log(detail); // @tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 1 thread
 * ```
 */
export function startWasmTraining(
  options: StartWasmTrainingOptions = {},
): Promise<WasmTrainingInfo> {
  enableRelaxedSimd();
  return startOnAnyPlatform(options);
}
