import { formatMarkdownTable, formatTable } from './result-table.js';
import type { BenchResult } from './types.js';

const explanation =
  'scaling = img/s on n threads / (n × img/s on 1 thread), 1 thread being the same runner, task and batch size (100 %: perfect scaling); ' +
  'vs PyTorch = cnnkit median / PyTorch median for the same task and batch size (> 1: cnnkit is faster); ' +
  'paired = median [min–max] of each cnnkit run over the PyTorch run right after it (less sensitive to load drift). ' +
  'Training runs exclude warm-up and continue one another; each cnnkit run is followed by a PyTorch run of the same batches. ' +
  'Evaluation = forward pass, cross-entropy and argmax over the test images.';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function threadsNote(counts: readonly number[] | undefined): string {
  if (counts === undefined || counts.length === 0) return '';
  return ` (${counts.join(', ')} thread${counts.length === 1 && counts[0] === 1 ? '' : 's'})`;
}

/** The machine and software lines both reports start with. */
export function machineLines(result: BenchResult): string[] {
  const { machine, settings } = result;
  const software = [
    `Node ${machine.node}`,
    `tfjs-core ${machine.tfjsCore}`,
    machine.tfjsBackendWasm === undefined
      ? undefined
      : `tfjs-backend-wasm ${machine.tfjsBackendWasm}${threadsNote(machine.wasmThreads)}`,
    machine.tfjsNode === undefined ? undefined : `tfjs-node ${machine.tfjsNode}`,
    machine.torch === undefined
      ? undefined
      : `torch ${machine.torch}${threadsNote(machine.torchThreads)}`,
  ].filter((part) => part !== undefined);
  return [
    `date: ${machine.date}`,
    `machine: ${machine.cpuModel}, ${plural(machine.cores, 'core')}, ${machine.platform}, load average ${machine.loadAverage.join(' ')} at start`,
    `software: ${software.join(', ')}`,
    `data: ${settings.data} (${settings.trainImages.toLocaleString('en-US')} train, ${settings.testImages.toLocaleString('en-US')} test images), seed ${settings.seed}`,
  ];
}

function runnerLines(result: BenchResult): string[] {
  return result.runners.map(
    (runner) => `${runner.runner}: ${runner.ok ? runner.detail : `skipped — ${runner.reason}`}`,
  );
}

/**
 * The result for a terminal: machine, which runners ran (and why others did not), the table.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatTextReport(await runBench(options, io))}\n`);
 * ```
 */
export function formatTextReport(result: BenchResult): string {
  return [
    ...machineLines(result),
    ...runnerLines(result),
    '',
    formatTable(result.rows),
    '',
    explanation,
  ].join('\n');
}

/** The result as Markdown (command, machine, runners, table), for `--markdown <file>`. */
export function formatMarkdownReport(result: BenchResult): string {
  return [
    '```sh',
    result.settings.command,
    '```',
    '',
    ...[...machineLines(result), ...runnerLines(result)].map((line) => `- ${line}`),
    '',
    formatMarkdownTable(result.rows),
    '',
    explanation,
    '',
  ].join('\n');
}
