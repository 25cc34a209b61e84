import type { EvaluationSummary } from './protocol.js';

/**
 * "test accuracy 41.2 % (206 / 500 images)": the percentage with the exact counts, as
 * `cnnkit eval` reports them; `what` names it.
 */
export function accuracyText(evaluation: EvaluationSummary, what: string): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `${what} ${(100 * evaluation.accuracy).toFixed(1)} % (${count(evaluation.correct)} / ${count(evaluation.count)} images)`;
}
