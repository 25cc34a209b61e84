import { describe, expect, it } from 'vitest';
import { stepDifferences } from './training-step.js';

const expected = new Map([
  ['loss', Float32Array.of(2.5)],
  ['d w', Float32Array.of(0.5, -0.25, 0.001)],
]);

describe('stepDifferences', () => {
  it('accepts differences within the tolerance relative to the largest expected value', () => {
    const actual = new Map([
      ['loss', Float32Array.of(2.5001)],
      // 0.0005 off on a value of 0.001 is 50 %, but 0.1 % of the largest gradient: float noise.
      ['d w', Float32Array.of(0.5, -0.25, 0.0015)],
    ]);
    expect(stepDifferences(actual, expected, 2e-3)).toEqual([]);
  });

  it('names the worst element of each quantity beyond it, with the expected value', () => {
    const actual = new Map([
      ['loss', Float32Array.of(2.6)],
      ['d w', Float32Array.of(0.5, 0.25, 0.001)],
    ]);
    expect(stepDifferences(actual, expected, 2e-3)).toEqual([
      'loss 2.60000 (cpu: 2.50000)',
      'd w[1] 0.250000 (cpu: -0.250000)',
    ]);
  });

  it('fails NaN and missing or misshapen quantities', () => {
    const actual = new Map([
      ['loss', Float32Array.of(Number.NaN)],
      ['d w', Float32Array.of(0.5, -0.25)],
    ]);
    expect(stepDifferences(actual, expected, 2e-3)).toEqual([
      'loss NaN (cpu: 2.50000)',
      'd w: missing',
    ]);
  });
});
