import * as tf from '@tensorflow/tfjs-core';
import { prepareSimdKernels } from './simd/simd-kernels.js';

/**
 * For users who start tfjs themselves (`startWasmTraining()` does this for you): compiles and
 * starts this package's SIMD module for the 'wasm' backend without blocking, and resolves with
 * whether it runs (false: the kernels use their slower fallbacks, after one console warning
 * saying why). Optional in Node and in Web Workers, where the kernels start it synchronously on
 * first use; needed on a browser's main thread, which refuses to compile WebAssembly over 4 KB
 * synchronously. Call it after `await tf.setBackend('wasm')` and
 * {@link registerWasmTrainingKernels}.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();
 * await prepareWasmTrainingKernels(); // true
 * ```
 */
export async function prepareWasmTrainingKernels(): Promise<boolean> {
  const backend = tf.findBackend('wasm');
  if (backend == null) {
    throw new Error(
      "The 'wasm' backend is not running: `await startWasmTraining()` starts it with these " +
        "kernels; if you start tfjs yourself, check that `await tf.setBackend('wasm')` " +
        'returned true before calling prepareWasmTrainingKernels().',
    );
  }
  return prepareSimdKernels(backend);
}
