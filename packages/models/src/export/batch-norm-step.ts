import type { BatchNorm2d } from '../batch-norm-2d.js';
import { graphWeight } from './graph-weight.js';
import type { GraphStep } from './inference-graph.js';

/** A BatchNorm2d in evaluation mode, named after its state_dict prefix (`layers.0.norm1`). */
export async function batchNormStep(
  norm: BatchNorm2d,
  input: string,
): Promise<Extract<GraphStep, { kind: 'batch-norm' }>> {
  const [scale, offset, mean, variance] = await Promise.all(
    [norm.weight, norm.bias, norm.runningMean, norm.runningVar].map(graphWeight),
  );
  if (!(scale && offset && mean && variance)) throw new Error('BatchNorm2d has four vectors.');
  return {
    kind: 'batch-norm',
    name: norm.weight.name.replace(/\.weight$/, ''),
    input,
    scale,
    offset,
    mean,
    variance,
    eps: norm.eps,
  };
}

/** `num_batches_tracked` of each BatchNorm2d, by state_dict key. */
export async function batchCounts(norms: readonly BatchNorm2d[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const norm of norms) {
    const entry = norm.numBatchesTracked;
    counts[entry.name] = ((await entry.variable.data()) as ArrayLike<number>)[0] ?? 0;
  }
  return counts;
}
