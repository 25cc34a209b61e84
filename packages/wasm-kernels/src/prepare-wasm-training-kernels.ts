import * as tf from '@tensorflow/tfjs-core';
import { prepareSimdKernels } from './simd/simd-kernels.js';

/**
 * Compiles and starts this package's SIMD module for the 'wasm' backend without blocking, and
 * resolves with whether it runs (false: the kernels use their slower fallbacks, after one
 * console warning saying why). Optional in Node and in Web Workers, where the kernels start it
 * synchronously on first use; needed on a browser's main thread, which refuses to compile
 * WebAssembly over 4 KB synchronously. Call it after `await tf.setBackend('wasm')`.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();
 * const simd = await prepareWasmTrainingKernels(); // true where WebAssembly SIMD works
 * ```
 */
export async function prepareWasmTrainingKernels(): Promise<boolean> {
  const backend = tf.findBackend('wasm');
  if (backend == null) {
    throw new Error(
      "The 'wasm' backend is not initialised. Import '@tensorflow/tfjs-backend-wasm' and " +
        "`await tf.setBackend('wasm')` before calling prepareWasmTrainingKernels().",
    );
  }
  return prepareSimdKernels(backend);
}
