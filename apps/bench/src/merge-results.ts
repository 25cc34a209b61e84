import { summarize } from './statistics.js';
import type { Measurement, ResultRow, Runner, Task } from './types.js';

const taskOrder: readonly Task[] = ['train', 'eval'];
const runnerOrder: readonly Runner[] = ['tensorflow', 'wasm', 'cpu', 'pytorch'];

/**
 * Turns measurements into table rows: runs of the same task, runner, batch size and images per
 * run are pooled (PyTorch is timed once beside each backend, so it has several), each row gets
 * its median and range, and every cnnkit row its ratio to PyTorch's median for the same task
 * and batch size (> 1 means cnnkit is faster) and the median and range of its paired ratios; a
 * row on n > 1 threads also gets its scaling efficiency against the same runner's 1-thread row. Rows come sorted: training before
 * evaluation, then by batch size, then tensorflow, wasm, cpu, pytorch, then by threads.
 *
 * @example
 * ```ts
 * const rows = resultRows([
 *   { task: 'train', runner: 'wasm', batchSize: 4, threads: 1, warmup: 5, images: 400, imagesPerSecond: [900, 1100, 1000] },
 *   { task: 'train', runner: 'pytorch', batchSize: 4, warmup: 5, images: 400, imagesPerSecond: [2000] },
 *   { task: 'train', runner: 'wasm', batchSize: 4, threads: 2, warmup: 5, images: 400, imagesPerSecond: [1800] },
 * ]);
 * rows[0]?.ratioToPytorch; // 0.5
 * rows[1]?.scaling; // 0.9 — 1,800 img/s on 2 threads over 2 × 1,000 on 1
 * ```
 */
export function resultRows(measurements: readonly Measurement[]): ResultRow[] {
  const pooled = new Map<string, { first: Measurement; samples: number[]; pairs: number[] }>();
  for (const measurement of measurements) {
    const key = [
      measurement.task,
      measurement.runner,
      measurement.batchSize,
      measurement.threads,
      measurement.images,
    ].join('|');
    const entry = pooled.get(key);
    const pairs = measurement.pairedRatios ?? [];
    if (entry) {
      entry.samples.push(...measurement.imagesPerSecond);
      entry.pairs.push(...pairs);
    } else {
      pooled.set(key, {
        first: measurement,
        samples: [...measurement.imagesPerSecond],
        pairs: [...pairs],
      });
    }
  }
  const summaries = [...pooled.values()]
    .filter(({ samples }) => samples.length > 0)
    .map(({ first, samples, pairs }) => ({
      first,
      summary: summarize(samples),
      paired: pairs.length > 0 ? summarize(pairs) : null,
    }));
  const pytorchMedian = (task: Task, batchSize: number): number | undefined =>
    summaries.find(
      ({ first }) =>
        first.runner === 'pytorch' && first.task === task && first.batchSize === batchSize,
    )?.summary.median;
  const oneThreadMedian = (of: Measurement): number | undefined =>
    summaries.find(
      ({ first }) =>
        first.runner === of.runner &&
        first.task === of.task &&
        first.batchSize === of.batchSize &&
        first.images === of.images &&
        first.threads === 1,
    )?.summary.median;
  const rows = summaries.map(({ first, summary, paired }): ResultRow => {
    const reference = pytorchMedian(first.task, first.batchSize);
    const single = first.threads != null && first.threads > 1 ? oneThreadMedian(first) : undefined;
    return {
      task: first.task,
      runner: first.runner,
      batchSize: first.batchSize,
      threads: first.threads ?? null,
      images: first.images,
      runs: summary.samples.length,
      median: summary.median,
      min: summary.min,
      max: summary.max,
      scaling: single === undefined ? null : summary.median / ((first.threads as number) * single),
      ratioToPytorch: reference === undefined ? null : summary.median / reference,
      pairedRatio: paired && { median: paired.median, min: paired.min, max: paired.max },
    };
  });
  return rows.sort(
    (a, b) =>
      taskOrder.indexOf(a.task) - taskOrder.indexOf(b.task) ||
      a.batchSize - b.batchSize ||
      runnerOrder.indexOf(a.runner) - runnerOrder.indexOf(b.runner) ||
      (a.threads ?? 0) - (b.threads ?? 0) ||
      b.images - a.images,
  );
}
