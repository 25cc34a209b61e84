import { availableParallelism } from 'node:os';
import { enableRelaxedSimd } from './enable-relaxed-simd.js';
import { startWasmTrainingOn, type ThreadsPlatform } from './start-wasm-training.js';
import { spawnNodeWorker } from './threads/spawn-node-worker.js';
import type { StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';

const nodeThreads: ThreadsPlatform = {
  spawn: spawnNodeWorker,
  defaultThreads: availableParallelism,
  whyNoThreads: () =>
    typeof SharedArrayBuffer === 'undefined'
      ? 'SharedArrayBuffer is not available in this Node process'
      : undefined,
};

/**
 * Starts TensorFlow.js's wasm backend for training in Node: {@link enableRelaxedSimd} (so Node 20
 * runs the kernels' fused multiply-add build too), then everything the browser entry's
 * `startWasmTraining` does — imports `@tensorflow/tfjs-backend-wasm`, `await
 * tf.setBackend('wasm')`, registers cnnkit's training kernels and starts their SIMD module —
 * and, for more than one thread, the kernel threads: worker_threads of this process that share
 * the backend's heap and take their part of every large kernel call (they end with the process,
 * however it ends, and never keep it alive). `threads` defaults to the logical cores
 * (`os.availableParallelism()`). Resolves with what runs; calling it again returns the first
 * call's result, and `setWasmTrainingThreads()` changes the number of threads later.
 *
 * @example
 * ```ts
 * import '@cnnkit/tfjs-gradients'; // tfjs-core's gradient functions, in Node and bundlers
 * import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
 *
 * const { kernels, threads, detail } = await startWasmTraining({ threads: 2 });
 * kernels; // 'relaxed-simd'
 * threads; // 2
 * console.log(detail); // @tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 2 threads
 * ```
 */
export function startWasmTraining(
  options: StartWasmTrainingOptions = {},
): Promise<WasmTrainingInfo> {
  enableRelaxedSimd();
  return startWasmTrainingOn(nodeThreads, options);
}
