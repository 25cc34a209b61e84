/** Median and range of repeated measurements. */
export interface SampleSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The measurements, in the order they were taken. */
  readonly samples: readonly number[];
}

/**
 * Summarises repeated measurements. The median (mean of the two middle values for an even
 * count) is the headline number because one run disturbed by another job on a shared machine
 * moves it less than it moves the mean.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { median: 2, min: 1, max: 3, samples: [3, 1, 2] }
 * ```
 */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new RangeError('summarize needs at least one measurement.');
  for (const value of samples) {
    if (!Number.isFinite(value)) {
      throw new RangeError(`summarize got a non-finite measurement: ${String(value)}.`);
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    samples: [...samples],
  };
}
