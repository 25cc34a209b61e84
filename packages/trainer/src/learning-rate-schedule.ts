import type { LearningRateSchedule } from '@cnnkit/contracts';

/**
 * Throws, quoting the value, unless `schedule` is a usable {@link @cnnkit/contracts!LearningRateSchedule}:
 * piecewise-linear points start at fraction 0, end at 1, rise strictly in fraction and have
 * finite factors ≥ 0. `where` names the source in the message (a flag, a checkpoint).
 *
 * @example
 * ```ts
 * checkLearningRateSchedule({ type: 'piecewise-linear', points: [[0, 0.2], [0.23, 1], [1, 0.07]] }, 'fast recipe');
 * checkLearningRateSchedule({ type: 'piecewise-linear', points: [[0.1, 1], [1, 0]] }, 'mine'); // throws
 * ```
 */
export function checkLearningRateSchedule(schedule: LearningRateSchedule, where: string): void {
  if (schedule?.type === 'constant') return;
  if (schedule?.type !== 'piecewise-linear') {
    throw new Error(
      `${where}: learning-rate schedule type must be "constant" or "piecewise-linear", got ${JSON.stringify(schedule)}.`,
    );
  }
  const { points } = schedule;
  const bad = (why: string) =>
    new Error(
      `${where}: learning-rate schedule points ${JSON.stringify(points)} ${why}; e.g. [[0, 0.2], [0.23, 1], [1, 0.07]].`,
    );
  if (!Array.isArray(points) || points.length < 2)
    throw bad('need at least two [fraction, factor] pairs');
  for (const point of points) {
    if (!Array.isArray(point) || point.length !== 2 || !point.every(Number.isFinite)) {
      throw bad('must be [fraction, factor] pairs of numbers');
    }
    if ((point[1] as number) < 0) throw bad('must have factors >= 0');
  }
  if (points[0]?.[0] !== 0 || points.at(-1)?.[0] !== 1)
    throw bad('must start at fraction 0 and end at 1');
  for (let i = 1; i < points.length; i++) {
    if ((points[i]?.[0] as number) <= (points[i - 1]?.[0] as number)) {
      throw bad('must rise strictly in fraction');
    }
  }
}

/**
 * The learning-rate multiplier of 0-based `step` in a run of `totalSteps` steps, as airbench
 * computes it (its `get_lr`, through `LambdaLR`): between breakpoints `a = floor(f_i·T)` and
 * `b = floor(f_{i+1}·T)`, `v_i·(1 − t) + v_{i+1}·t` with `t = (step − a)/(b − a)`. Segments
 * that `floor` makes empty are skipped; steps past the end continue the last segment's line.
 *
 * @example
 * ```ts
 * const airbench = { type: 'piecewise-linear', points: [[0, 0.2], [0.23, 1], [1, 0.07]] } as const;
 * learningRateFactor(airbench, 0, 528); // 0.2
 * learningRateFactor(airbench, 121, 528); // 1
 * learningRateFactor(airbench, 527, 528); // ≈ 0.0723
 * learningRateFactor({ type: 'constant' }, 5, 10); // 1
 * ```
 */
export function learningRateFactor(
  schedule: LearningRateSchedule,
  step: number,
  totalSteps: number,
): number {
  if (schedule.type === 'constant') return 1;
  const { points } = schedule;
  for (let i = 0; i + 1 < points.length; i++) {
    const [f0, v0] = points[i] as readonly [number, number];
    const [f1, v1] = points[i + 1] as readonly [number, number];
    const start = Math.floor(totalSteps * f0);
    const end = Math.floor(totalSteps * f1);
    const last = i + 2 === points.length;
    if (end > start && (step < end || last)) {
      const t = (step - start) / (end - start);
      return v0 * (1 - t) + v1 * t;
    }
  }
  // Every segment is empty (a run shorter than its breakpoints can tell apart).
  return (points.at(-1) as readonly [number, number])[1];
}
