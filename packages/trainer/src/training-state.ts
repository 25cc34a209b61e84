import type { TrainingState } from '@cnnkit/contracts';

/**
 * The state of a run that has not trained yet: epoch 0, batch 0, step 0, empty sums.
 *
 * @example
 * ```ts
 * const start = initialTrainingState();
 * start.step; // 0
 * ```
 */
export function initialTrainingState(): TrainingState {
  return {
    epoch: 0,
    batchInEpoch: 0,
    step: 0,
    runningLossSum: 0,
    runningLossCount: 0,
    epochLossSum: 0,
    epochLossCount: 0,
    history: [],
  };
}

/** Throws, naming the field, when `state` is not a usable TrainingState (e.g. a hand-edited state.json). */
export function checkTrainingState(state: TrainingState, where: string): void {
  const counters = ['epoch', 'batchInEpoch', 'step', 'runningLossCount', 'epochLossCount'] as const;
  for (const key of counters) {
    const value = state[key];
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`${where}: "${key}" must be an integer >= 0, got ${JSON.stringify(value)}.`);
    }
  }
  for (const key of ['runningLossSum', 'epochLossSum'] as const) {
    if (typeof state[key] !== 'number' || !Number.isFinite(state[key])) {
      throw new Error(
        `${where}: "${key}" must be a finite number, got ${JSON.stringify(state[key])}.`,
      );
    }
  }
  if (!Array.isArray(state.history)) {
    throw new Error(`${where}: "history" must be an array, got ${JSON.stringify(state.history)}.`);
  }
}
