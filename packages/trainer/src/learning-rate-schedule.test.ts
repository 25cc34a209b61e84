import { describe, expect, it } from 'vitest';
import pieces from './fixtures/recipe-pieces.json' with { type: 'json' };
import { checkLearningRateSchedule, learningRateFactor } from './learning-rate-schedule.js';

const airbench = {
  type: 'piecewise-linear',
  points: [
    [0, 0.2],
    [0.23, 1],
    [1, 0.07],
  ],
} as const;

describe('learningRateFactor', () => {
  it.each(pieces.lrSchedule)(
    "equals airbench's get_lr (through LambdaLR) at every step of $totalSteps",
    ({ totalSteps, factors }) => {
      const ours = factors.map((_, step) => learningRateFactor(airbench, step, totalSteps));
      // Same double-precision formula in the same order: exactly equal.
      expect(ours).toEqual(factors);
    },
  );

  it('is 1 for the constant schedule', () => {
    expect(learningRateFactor({ type: 'constant' }, 17, 20)).toBe(1);
  });

  it('ramps a warm-up and a one-cycle schedule', () => {
    const warmup = {
      type: 'piecewise-linear',
      points: [
        [0, 0],
        [0.1, 1],
        [1, 1],
      ],
    } as const;
    expect([0, 5, 10, 50, 99].map((s) => learningRateFactor(warmup, s, 100))).toEqual([
      0, 0.5, 1, 1, 1,
    ]);
    const cycle = {
      type: 'piecewise-linear',
      points: [
        [0, 0.1],
        [0.5, 1],
        [1, 0],
      ],
    } as const;
    expect([0, 5, 10, 15].map((s) => learningRateFactor(cycle, s, 20))).toEqual([
      0.1, 0.55, 1, 0.5,
    ]);
  });

  it('rejects unusable schedules, quoting them', () => {
    checkLearningRateSchedule(airbench, 'x');
    checkLearningRateSchedule({ type: 'constant' }, 'x');
    const check = (points: unknown) => () =>
      checkLearningRateSchedule(
        { type: 'piecewise-linear', points } as Parameters<typeof checkLearningRateSchedule>[0],
        '--lr-schedule',
      );
    expect(check([[0, 1]])).toThrow(/--lr-schedule: .* need at least two/);
    expect(
      check([
        [0.1, 1],
        [1, 0],
      ]),
    ).toThrow(/must start at fraction 0 and end at 1/);
    expect(
      check([
        [0, 1],
        [0.5, 1],
        [0.5, 0],
        [1, 0],
      ]),
    ).toThrow(/rise strictly/);
    expect(
      check([
        [0, 1],
        [1, -0.5],
      ]),
    ).toThrow(/factors >= 0/);
    expect(() => checkLearningRateSchedule({ type: 'cosine' } as never, 'state.json')).toThrow(
      /state.json: .* "constant" or "piecewise-linear", got \{"type":"cosine"\}/,
    );
  });
});
