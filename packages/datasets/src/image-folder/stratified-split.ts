import { deriveSeed, Rng } from '@cnnkit/random';

/**
 * How many of a class's `count` images are held out for validation: `valSplit` of them,
 * rounded, but at least one and never all — a class of one image is used for training only.
 */
export function validationCount(count: number, valSplit: number): number {
  if (count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(count * valSplit)));
}

/**
 * Which of a class's images (positions `0 … count-1` in the data set's order) are held out:
 * the first {@link validationCount} of a permutation drawn from `(seed, label)`, so the split
 * depends only on the seed, the class and its image count.
 */
export function heldOutPositions(
  count: number,
  valSplit: number,
  seed: number,
  label: number,
): Set<number> {
  const permutation = new Rng(deriveSeed(seed, label)).permutation(count);
  return new Set(permutation.subarray(0, validationCount(count, valSplit)));
}
