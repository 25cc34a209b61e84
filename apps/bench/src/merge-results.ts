import { summarize } from './statistics.js';
import type { Measurement, ResultRow, Runner, Task } from './types.js';

const taskOrder: readonly Task[] = ['train', 'eval'];
const runnerOrder: readonly Runner[] = ['tensorflow', 'wasm', 'cpu', 'pytorch'];

/**
 * Turns measurements into table rows: runs of the same task, runner, batch size and images per
 * run are pooled (PyTorch is timed once beside each backend, so it has several), each row gets
 * its median and range, and every cnnkit row its ratio to PyTorch's median for the same task
 * and batch size (> 1 means cnnkit is faster) and the median and range of its paired ratios. Rows come sorted: training before evaluation,
 * then by batch size, then tensorflow, wasm, cpu, pytorch.
 *
 * @example
 * ```ts
 * const rows = resultRows([
 *   { task: 'train', runner: 'wasm', batchSize: 4, warmup: 5, images: 400, imagesPerSecond: [900, 1100, 1000] },
 *   { task: 'train', runner: 'pytorch', batchSize: 4, warmup: 5, images: 400, imagesPerSecond: [2000] },
 * ]);
 * rows[0]?.ratioToPytorch; // 0.5
 * ```
 */
export function resultRows(measurements: readonly Measurement[]): ResultRow[] {
  const pooled = new Map<string, { first: Measurement; samples: number[]; pairs: number[] }>();
  for (const measurement of measurements) {
    const key = [
      measurement.task,
      measurement.runner,
      measurement.batchSize,
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
  const rows = summaries.map(({ first, summary, paired }): ResultRow => {
    const reference = pytorchMedian(first.task, first.batchSize);
    return {
      task: first.task,
      runner: first.runner,
      batchSize: first.batchSize,
      images: first.images,
      runs: summary.samples.length,
      median: summary.median,
      min: summary.min,
      max: summary.max,
      ratioToPytorch: reference === undefined ? null : summary.median / reference,
      pairedRatio: paired && { median: paired.median, min: paired.min, max: paired.max },
    };
  });
  return rows.sort(
    (a, b) =>
      taskOrder.indexOf(a.task) - taskOrder.indexOf(b.task) ||
      a.batchSize - b.batchSize ||
      runnerOrder.indexOf(a.runner) - runnerOrder.indexOf(b.runner) ||
      b.images - a.images,
  );
}
