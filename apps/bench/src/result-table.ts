import type { ResultRow } from './types.js';

const headers = [
  'task',
  'runner',
  'threads',
  'batch',
  'images/run',
  'img/s median [min–max]',
  'runs',
  'scaling',
  'vs PyTorch',
  'paired [min–max]',
] as const;
// Numbers right-aligned so that magnitudes line up; names left-aligned.
const rightAligned = [false, false, true, true, true, true, true, true, true, true] as const;

/** `1234.5` → `1,235`; below 100 one decimal is kept (`19.6`) so cpu numbers stay readable. */
export function formatRate(value: number): string {
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/**
 * `0.7512` → `0.75×`; below 0.1 two significant digits (`0.0036×`, the cpu backend), so no
 * ratio reads as zero; `null` (no PyTorch to compare with) → `—`.
 */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '—';
  return `${ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

function cells(row: ResultRow): string[] {
  return [
    row.task,
    row.runner,
    row.threads === null ? '—' : String(row.threads),
    String(row.batchSize),
    row.images.toLocaleString('en-US'),
    `${formatRate(row.median)} [${formatRate(row.min)}–${formatRate(row.max)}]`,
    String(row.runs),
    row.scaling === null ? '—' : `${Math.round(row.scaling * 100)} %`,
    formatRatio(row.ratioToPytorch),
    row.pairedRatio === null
      ? '—'
      : `${formatRatio(row.pairedRatio.median)} [${formatRatio(row.pairedRatio.min)}–${formatRatio(row.pairedRatio.max)}]`,
  ];
}

/**
 * The rows as a plain-text table for a terminal, one row per line, columns padded.
 *
 * @example
 * ```ts
 * formatTable(rows);
 * // task   runner   threads  batch  images/run  img/s median [min–max]  runs  scaling  vs PyTorch
 * // train  wasm           1      4       1,024    1,402 [1,380–1,431]     5        —       0.81×
 * // train  wasm           2      4       1,024    2,579 [2,497–2,630]     5     92 %       1.49×
 * ```
 */
export function formatTable(rows: readonly ResultRow[]): string {
  return padded([[...headers], ...rows.map(cells)])
    .map((line) => line.join('  ').trimEnd())
    .join('\n');
}

/**
 * The rows as a GitHub-flavoured Markdown table (for BENCHMARKS.md), padded the way the
 * repo's formatter (biome) lays tables out, so that a pasted table passes `biome check`.
 */
export function formatMarkdownTable(rows: readonly ResultRow[]): string {
  const [header, ...body] = padded([[...headers], ...rows.map(cells)]) as [string[], ...string[][]];
  const separator = header.map((cell, column) =>
    rightAligned[column] ? `${'-'.repeat(cell.length - 1)}:` : '-'.repeat(cell.length),
  );
  return [header, separator, ...body].map((line) => `| ${line.join(' | ')} |`).join('\n');
}

/** Pads every cell to its column's widest, numbers on the right and names on the left. */
function padded(table: readonly string[][]): string[][] {
  const widths = headers.map((_, column) =>
    Math.max(...table.map((line) => (line[column] as string).length)),
  );
  return table.map((line) =>
    line.map((cell, column) =>
      rightAligned[column]
        ? cell.padStart(widths[column] as number)
        : cell.padEnd(widths[column] as number),
    ),
  );
}
