import { availableParallelism } from 'node:os';

/**
 * Below this batch size training defaults to one wasm thread. Measured on 2 cores
 * (BENCHMARKS.md, "Threads"): the tutorial recipe at batch 4 took 40.7 s on 2 threads and
 * 31.4 s on 1 — its kernel calls are too small to pay for waking a second thread — while
 * batch 64 trains 1.41× faster on 2.
 */
export const smallBatchSize = 16;

/**
 * The threads `cnnkit train` computes with on wasm when `--threads` is not given: 1 for batches
 * below {@link smallBatchSize}, else every logical core.
 *
 * @example
 * ```ts
 * console.log(defaultTrainingThreads(4, 2)); // 1
 * console.log(defaultTrainingThreads(512, 2)); // 2
 * ```
 */
export function defaultTrainingThreads(
  batchSize: number,
  cores: number = availableParallelism(),
): number {
  return batchSize < smallBatchSize ? 1 : cores;
}
