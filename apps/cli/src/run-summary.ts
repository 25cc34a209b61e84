import type { EvaluationResult } from '@cnnkit/contracts';

/** Per-class accuracy keyed by class name; `null` for a class with no test images. */
export function perClassRecord(
  classNames: readonly string[],
  perClass: readonly (number | null)[],
): Record<string, number | null> {
  return Object.fromEntries(classNames.map((name, i) => [name, perClass[i] ?? null]));
}

function percent(x: number | null): string {
  return x === null ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)} %`;
}

/** A human-readable evaluation report: overall accuracy, then one line per class. */
export function formatEvaluation(
  result: Omit<EvaluationResult, 'imagesPerSecond'>,
  classNames: readonly string[],
): string {
  const width = Math.max(...classNames.map((n) => n.length));
  const lines = [
    `test accuracy ${percent(result.accuracy).trim()} on ${result.count.toLocaleString('en-US')} images, loss ${result.loss.toFixed(4)}`,
    ...classNames.map(
      (name, i) => `  ${name.padEnd(width)}  ${percent(result.perClassAccuracy[i] ?? null)}`,
    ),
  ];
  return lines.join('\n');
}

/**
 * The confusion matrix as a table: one row per true class, one column per predicted class
 * (headed by the first 5 letters of its name), counts right-aligned.
 */
export function formatConfusionMatrix(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
): string {
  const nameWidth = Math.max(...classNames.map((n) => n.length));
  const cellWidth = Math.max(5, ...matrix.flat().map((n) => String(n).length));
  const header = `${' '.repeat(nameWidth + 2)}${classNames
    .map((n) => ` ${n.slice(0, cellWidth).padStart(cellWidth)}`)
    .join('')}`;
  const rows = matrix.map(
    (row, i) =>
      `  ${(classNames[i] ?? String(i)).padEnd(nameWidth)}${row
        .map((n) => ` ${String(n).padStart(cellWidth)}`)
        .join('')}`,
  );
  return ['confusion matrix (rows: true class, columns: predicted class):', header, ...rows].join(
    '\n',
  );
}
