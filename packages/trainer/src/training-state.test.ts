import { describe, expect, it } from 'vitest';
import { checkTrainingState, initialTrainingState } from './training-state.js';

describe('initialTrainingState', () => {
  it('runs its TSDoc example and passes its own check', () => {
    const start = initialTrainingState();
    expect(start.step).toBe(0);
    expect(() => checkTrainingState(start, 'start')).not.toThrow();
  });

  it('names the bad field of a hand-edited state', () => {
    expect(() =>
      checkTrainingState({ ...initialTrainingState(), epochLossSum: Number.NaN }, 'state.json'),
    ).toThrow('state.json: "epochLossSum" must be a finite number, got null.');
    expect(() =>
      checkTrainingState({ ...initialTrainingState(), batchInEpoch: 1.5 }, 'state.json'),
    ).toThrow('state.json: "batchInEpoch" must be an integer >= 0, got 1.5.');
  });
});
