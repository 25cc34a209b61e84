/** The largest |a[i] − b[i]|; the arrays must have the same length. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new Error(`maxDifference: lengths differ (${a.length} and ${b.length}).`);
  }
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return max;
}

/** The largest |v|. */
export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number));
  return max;
}

/** Differences measured by a test, printed when CNNKIT_PRINT_DIFFS is set (for reports). */
export function reportDifference(what: string, difference: number): void {
  if (process.env.CNNKIT_PRINT_DIFFS)
    console.log(`max |diff| ${what}: ${difference.toExponential(2)}`);
}
