/**
 * Below this batch size training defaults to one thread: its kernel calls are too small to pay
 * for waking another one. Measured on 2 cores (BENCHMARKS.md, "Threads"): the tutorial recipe
 * at batch 4 took 40.7 s on 2 threads and 31.4 s on 1 in Node, and Chromium trained batch 4 at
 * 0.85× the 1-thread speed on 2 threads, while batch 64 trains about 1.4× faster on 2.
 */
export const smallBatchSize = 16;

/**
 * The threads to train with when the user sets none: 1 for batches below
 * {@link smallBatchSize}, else every logical core (`cores`: `os.availableParallelism()` in
 * Node, `navigator.hardwareConcurrency` in browsers). Pass the result to
 * `setWasmTrainingThreads()` before a run; `cnnkit train` and the web demo's "auto" do.
 *
 * @example
 * ```ts
 * import { defaultTrainingThreads } from '@cnnkit/wasm-kernels';
 *
 * defaultTrainingThreads(4, 2); // 1
 * defaultTrainingThreads(512, 2); // 2
 * ```
 */
export function defaultTrainingThreads(batchSize: number, cores: number): number {
  return batchSize < smallBatchSize ? 1 : Math.max(1, cores);
}
