import type { BenchOptions } from './bench-options.js';
import type { Runner } from './types.js';

/** Untimed and timed training batches of one run. */
export interface StepCounts {
  readonly warmup: number;
  readonly batches: number;
}

// Image budgets rather than batch counts, so that batch 4 and batch 64 take similar time:
// 1,024 timed images is 1–3 s per run for wasm and PyTorch here, enough to average out timer
// and scheduler noise while five runs of both sizes stay within a minute or two. The warm-up
// covers XNNPACK's first-call set-up and V8's optimisation of the step's JavaScript.
const timedImages = 1024;
const warmupImages = 256;
// The plain-JavaScript cpu backend trains at a few img/s on this machine (one batch of 64
// takes ~25 s): a handful of images per run is all it can afford.
const cpuTimedImages = 16;

/**
 * Warm-up and timed batches for `runner` at `batchSize`: `--warmup`/`--batches` when given,
 * otherwise image budgets (see above) rounded up to whole batches.
 *
 * @example
 * ```ts
 * stepCounts('wasm', 64, {}); // { warmup: 5, batches: 16 }
 * stepCounts('cpu', 4, {}); // { warmup: 1, batches: 4 }
 * ```
 */
export function stepCounts(
  runner: Runner,
  batchSize: number,
  options: Pick<BenchOptions, 'warmup' | 'batches'>,
): StepCounts {
  const cpu = runner === 'cpu';
  const warmup = options.warmup ?? (cpu ? 1 : Math.max(5, Math.ceil(warmupImages / batchSize)));
  const batches =
    options.batches ??
    (cpu
      ? Math.max(1, Math.ceil(cpuTimedImages / batchSize))
      : Math.max(8, Math.ceil(timedImages / batchSize)));
  return { warmup, batches };
}

/** Test images per evaluation run: `--eval-images`, else all of them (cpu: at most 1,000). */
export function evalImageCount(
  runner: Runner,
  testImages: number,
  options: Pick<BenchOptions, 'evalImages'>,
): number {
  const wanted = options.evalImages ?? (runner === 'cpu' ? 1000 : testImages);
  return Math.min(wanted, testImages);
}
