import { describe, expect, it } from 'vitest';
import { heldOutPositions, validationCount } from './stratified-split.js';

describe('the seeded stratified split', () => {
  it('holds out the fraction of each class, at least one, never all', () => {
    expect([1, 2, 5, 10, 14, 15, 100].map((n) => validationCount(n, 0.1))).toEqual([
      0, 1, 1, 1, 1, 2, 10,
    ]);
    expect(validationCount(3, 0.9)).toBe(2);
  });

  it('depends only on the seed, the class and its size', () => {
    const a = heldOutPositions(50, 0.2, 0, 3);
    expect(a.size).toBe(10);
    expect(heldOutPositions(50, 0.2, 0, 3)).toEqual(a);
    expect(heldOutPositions(50, 0.2, 0, 4)).not.toEqual(a);
    expect(heldOutPositions(50, 0.2, 1, 3)).not.toEqual(a);
    expect([...a].every((i) => i >= 0 && i < 50)).toBe(true);
  });
});
