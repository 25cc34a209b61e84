/** A run's test accuracy after each epoch, with the training time spent until then. */
export interface CurvePoint {
  readonly epoch: number;
  /** Seconds of training (evaluations excluded) from the start of the run to this epoch's end. */
  readonly trainSeconds: number;
  readonly accuracy: number;
}

/**
 * Minutes of training until the first epoch whose test accuracy reaches `target`, or null
 * when no epoch does.
 *
 * @example
 * ```ts
 * minutesTo([{ epoch: 1, trainSeconds: 60, accuracy: 0.8 }, { epoch: 2, trainSeconds: 120, accuracy: 0.91 }], 0.9); // 2
 * ```
 */
export function minutesTo(curve: readonly CurvePoint[], target: number): number | null {
  const reached = curve.find((point) => point.accuracy >= target);
  return reached ? reached.trainSeconds / 60 : null;
}

/** Mean, smallest and largest of some numbers (null when there are none). */
export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/**
 * The mean and range of the values that are not null (a run that never reached a target
 * has no time to it; `count` says how many did).
 *
 * @example
 * ```ts
 * spread([1, null, 3]); // { mean: 2, min: 1, max: 3, count: 2 }
 * ```
 */
export function spread(values: readonly (number | null)[]): Spread | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  return {
    mean: present.reduce((a, b) => a + b, 0) / present.length,
    min: Math.min(...present),
    max: Math.max(...present),
    count: present.length,
  };
}
