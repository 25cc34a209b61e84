import type { TopK } from './protocol.js';

/** The `k` largest entries of `probabilities` with their indices, largest first (ties: lower index). */
export function topK(probabilities: ArrayLike<number>, k: number): TopK {
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b);
  return order.slice(0, k).map((label) => ({ label, probability: probabilities[label] as number }));
}
