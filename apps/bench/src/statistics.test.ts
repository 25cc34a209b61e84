import { describe, expect, it } from 'vitest';
import { summarize } from './statistics.js';

describe('summarize', () => {
  it('takes the middle value of an odd count and keeps the order of the samples', () => {
    expect(summarize([30, 10, 20])).toEqual({
      median: 20,
      min: 10,
      max: 30,
      samples: [30, 10, 20],
    });
  });

  it('averages the two middle values of an even count', () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('handles a single sample', () => {
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, samples: [7] });
  });

  it('rejects an empty list and non-finite values', () => {
    expect(() => summarize([])).toThrow(/at least one/);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite measurement: NaN/);
    expect(() => summarize([Number.POSITIVE_INFINITY])).toThrow(/Infinity/);
  });
});
