import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * Opens (or starts) a `metrics.jsonl` file: one JSON object per line, each with `type` and
 * `step`. On resume, lines after the checkpoint's step are dropped first (rewritten through
 * a temporary file and a rename, so a crash keeps the old file).
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
  const { resumeFromStep, types = ['report', 'epoch-end'] } = options;
  await mkdir(path.dirname(file), { recursive: true });
  let kept = '';
  if (resumeFromStep !== undefined) {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    for (const [index, line] of lines.entries()) {
      let entry: { step?: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        // A torn last line is what a crash mid-append leaves; it lies beyond any checkpoint.
        if (index === lines.length - 1) break;
        throw new Error(`Metrics log ${file} line ${index + 1} is not JSON: ${line.slice(0, 80)}`);
      }
      if (typeof entry.step === 'number' && entry.step <= resumeFromStep) kept += `${line}\n`;
    }
  }
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, kept);
  await rename(temporary, file);
  const logged = new Set<string>(types);
  return {
    path: file,
    async append(event) {
      if (!logged.has(event.type)) return;
      await appendFile(file, `${JSON.stringify(toLogLine(event))}\n`);
    },
  };
}
