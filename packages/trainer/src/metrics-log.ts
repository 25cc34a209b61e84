import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainingEvent } from '@cnnkit/contracts';

/** Options of {@link openMetricsLog}. */
export interface MetricsLogOptions {
  /**
   * Resume: keep the existing lines whose `step` is at most this (a checkpoint's
   * `state.step`) and drop the rest, so the file ends up equal to an uninterrupted run's.
   * Without it the file is started empty.
   */
  readonly resumeFromStep?: number;
  /** Event types written. Default `['report', 'epoch-end']`. */
  readonly types?: readonly TrainingEvent['type'][];
  /**
   * On resume, a line that is not a JSON object with a numeric `step` (a disk error, an
   * editor) is dropped from the file and reported here, so the run can continue. Without
   * this callback such a line fails {@link openMetricsLog}, except a torn last line, which is
   * what a crash mid-append leaves and is always dropped.
   */
  readonly onDamagedLine?: (lineNumber: number, text: string) => void;
}

/** An append-only JSON-lines log of training events. */
export interface MetricsLog {
  readonly path: string;
  /** Appends `event` as one line if its type is logged; use as (part of) `train`'s `onEvent`. */
  append(event: TrainingEvent): Promise<void>;
}

/**
 * The reproducible part of an event: timings (images/s) differ between runs and checkpoint
 * bytes belong in checkpoint files, so neither goes into the log.
 */
function toLogLine(event: TrainingEvent): Record<string, unknown> {
  switch (event.type) {
    case 'batch-end': {
      const { imagesPerSecond: _timing, ...rest } = event;
      return rest;
    }
    case 'report':
      return event as unknown as Record<string, unknown>;
    case 'epoch-end': {
      const { test, ...rest } = event;
      if (!test) return rest;
      const { imagesPerSecond: _timing, ...reproducibleTest } = test;
      return { ...rest, test: reproducibleTest };
    }
    case 'checkpoint': {
      const { checkpoint: _bytes, ...rest } = event;
      return rest;
    }
  }
}

// The file is rewritten through `<file>.tmp-<pid>` and a rename.
const REWRITE_SUFFIX = '.tmp-';

/** What a process killed between writing and renaming the temporary file left behind. */
async function removeRewriteLeftovers(file: string): Promise<void> {
  const prefix = `${path.basename(file)}${REWRITE_SUFFIX}`;
  const names = await readdir(path.dirname(file));
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) {
      await rm(path.join(path.dirname(file), name), { force: true });
    }
  }
}

/** The `step` of a log line, or undefined when the line is not a JSON event. */
function stepOf(line: string): number | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { step } = entry as { step?: unknown };
    return typeof step === 'number' ? step : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens (or starts) a `metrics.jsonl` file: one JSON object per line, each with `type` and
 * `step`. On resume, lines after the checkpoint's step are dropped first (rewritten through
 * a temporary file and a rename, so a crash keeps the old file; a temporary file such a crash
 * left is removed). The file is assumed to belong to this process alone.
 *
 * @example
 * ```ts
 * const log = await openMetricsLog('runs/cifar/metrics.jsonl', { resumeFromStep: state.step });
 * await train({ model, optimizer, trainData, epochs: 2, start: state, onEvent: (e) => log.append(e) });
 * ```
 */
export async function openMetricsLog(
  file: string,
  options: MetricsLogOptions = {},
): Promise<MetricsLog> {
  const { resumeFromStep, types = ['report', 'epoch-end'], onDamagedLine } = options;
  await mkdir(path.dirname(file), { recursive: true });
  await removeRewriteLeftovers(file);
  let kept = '';
  if (resumeFromStep !== undefined) {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n');
    let last = lines.length - 1;
    while (last >= 0 && (lines[last] as string).trim() === '') last--;
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const step = stepOf(line);
      if (step === undefined) {
        // A torn last line is what a crash mid-append leaves; it lies beyond any checkpoint.
        if (index === last) break;
        if (!onDamagedLine) {
          throw new Error(
            `Metrics log ${file} line ${index + 1} is not a JSON event: ${line.slice(0, 80)}`,
          );
        }
        onDamagedLine(index + 1, line);
        continue;
      }
      if (step <= resumeFromStep) kept += `${line}\n`;
    }
  }
  const temporary = `${file}${REWRITE_SUFFIX}${process.pid}`;
  try {
    await writeFile(temporary, kept);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const logged = new Set<string>(types);
  return {
    path: file,
    async append(event) {
      if (!logged.has(event.type)) return;
      await appendFile(file, `${JSON.stringify(toLogLine(event))}\n`);
    },
  };
}
