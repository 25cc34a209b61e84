import { describe, expect, it } from 'vitest';
import { minutesTo, spread } from './accuracy-curve.js';

const curve = [
  { epoch: 1, trainSeconds: 90, accuracy: 0.6 },
  { epoch: 2, trainSeconds: 180, accuracy: 0.905 },
  { epoch: 3, trainSeconds: 270, accuracy: 0.899 },
  { epoch: 4, trainSeconds: 360, accuracy: 0.931 },
];

describe('time to accuracy', () => {
  it('is the training time of the first epoch at or above the target', () => {
    expect(minutesTo(curve, 0.9)).toBe(3);
    expect(minutesTo(curve, 0.905)).toBe(3);
    expect(minutesTo(curve, 0.93)).toBe(6);
    expect(minutesTo(curve, 0.94)).toBeNull();
    expect(minutesTo([], 0.5)).toBeNull();
  });

  it('summarises the runs that reached a target', () => {
    expect(spread([4, null, 2, 6])).toEqual({ mean: 4, min: 2, max: 6, count: 3 });
    expect(spread([null, null])).toBeNull();
  });
});
