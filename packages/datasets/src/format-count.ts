/** 30730001 → "30,730,001": sizes in error messages are read by people. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
