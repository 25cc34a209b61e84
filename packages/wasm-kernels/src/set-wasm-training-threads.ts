import { maxThreads } from './threads/control-block.js';
import { kernelThreadsAvailable, resizeKernelThreads } from './threads/kernel-threads.js';

/**
 * Changes how many threads cnnkit's kernels compute with, after `startWasmTraining()` started
 * them with more than one (the heap is shared from then on): 1 ends the workers and runs every
 * kernel on the calling thread; more starts workers. Results do not depend on the number of
 * threads (each output is computed the same way whichever thread computes it). Resolves with
 * the threads that now compute: always 1 when the backend runs without threads (a page that is
 * not cross-origin isolated, or `startWasmTraining({ threads: 1 })`).
 *
 * @example
 * ```ts
 * import { startWasmTraining, setWasmTrainingThreads } from '@cnnkit/wasm-kernels/node';
 *
 * await startWasmTraining({ threads: 2 });
 * await setWasmTrainingThreads(1); // 1
 * await setWasmTrainingThreads(2); // 2
 * ```
 */
export function setWasmTrainingThreads(threads: number): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1 || threads > maxThreads) {
    return Promise.reject(
      new Error(
        `@cnnkit/wasm-kernels: threads must be a whole number from 1 to ${maxThreads}, got ${threads}.`,
      ),
    );
  }
  if (!kernelThreadsAvailable()) return Promise.resolve(1);
  return resizeKernelThreads(threads);
}
