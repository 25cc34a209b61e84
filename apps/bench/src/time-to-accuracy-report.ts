import type { Spread } from './accuracy-curve.js';
import type { TimeToAccuracyResult } from './time-to-accuracy.js';

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;

function spreadText(value: Spread | null, format: (x: number) => string, runs: number): string {
  if (value === null) return 'not reached';
  const range = value.count > 1 ? ` [${format(value.min)}–${format(value.max)}]` : '';
  const reached = value.count < runs ? ` (${value.count} of ${runs} runs)` : '';
  return `${format(value.mean)}${range}${reached}`;
}

/** The table's rows: a header, then one row per runner (means [min–max] over the seeds). */
function rows(result: TimeToAccuracyResult): string[][] {
  const header = [
    'runner',
    'images/s',
    'epochs',
    ...result.targets.map((t) => `minutes to ${percent(t)}`),
    'final accuracy',
  ];
  return [
    header,
    ...result.runners.map((runner) => [
      runner.runner,
      spreadText(runner.imagesPerSecond, (x) => x.toFixed(0), runner.runs.length),
      String(result.settings.epochs),
      ...runner.minutesTo.map((m) => spreadText(m, (x) => x.toFixed(1), runner.runs.length)),
      spreadText(runner.accuracy, percent, runner.runs.length),
    ]),
  ];
}

/** The PyTorch/cnnkit ratio of mean minutes to each target (≥ 1: cnnkit is as fast or faster). */
function ratios(result: TimeToAccuracyResult): string[] {
  const [cnnkit, pytorch] = result.runners;
  if (!cnnkit || !pytorch) return [];
  return result.targets.map((target, i) => {
    const a = cnnkit.minutesTo[i];
    const b = pytorch.minutesTo[i];
    const ratio = a && b ? (b.mean / a.mean).toFixed(2) : 'n/a';
    return `time to ${percent(target)}, PyTorch / cnnkit: ${ratio}`;
  });
}

function footer(result: TimeToAccuracyResult): string[] {
  return [
    ...ratios(result),
    `cnnkit peak RSS: ${(result.cnnkitPeakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    ...result.runners.map(
      (r) => `${r.runner}: ${r.detail}; seeds ${r.runs.map((x) => x.seed).join(', ')}`,
    ),
    ...(result.pytorchSkipped ? [`PyTorch: ${result.pytorchSkipped}`] : []),
    `data: ${result.data}`,
    `command: ${result.command}`,
  ];
}

/** The results as an aligned text table for the terminal. */
export function formatTimeToAccuracyText(result: TimeToAccuracyResult): string {
  const table = rows(result);
  const widths =
    table[0]?.map((_, c) => Math.max(...table.map((row) => row[c]?.length ?? 0))) ?? [];
  const lines = table.map((row) => row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));
  return [`fast recipe, time to accuracy`, ...lines, '', ...footer(result)].join('\n');
}

/** The results as Markdown, for BENCHMARKS.md. */
export function formatTimeToAccuracyMarkdown(result: TimeToAccuracyResult): string {
  const [header, ...body] = rows(result);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '### Fast recipe: time to accuracy',
    '',
    line(header ?? []),
    line((header ?? []).map(() => '---')),
    ...body.map(line),
    '',
    ...footer(result).map((text) => `- ${text}`),
    '',
  ].join('\n');
}
