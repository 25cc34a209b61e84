// Runs the built `cnnkit` in a child process and measures what a hostile input costs it: exit
// code, output, wall time and peak resident memory. The peak comes from the child itself: a
// preloaded module writes `process.resourceUsage().maxRSS` (the kernel's high-water mark for
// the whole process) to a file as the process exits, on any platform and without /usr/bin/time.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const cnnkitBin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

const reportPeakOnExit =
  'data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(process.env.CNNKIT_TEST_PEAK_RSS_FILE,String(process.resourceUsage().maxRSS*1024)))';

export interface MeasuredRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory in bytes; undefined when the process was killed. */
  readonly peakRssBytes: number | undefined;
  readonly seconds: number;
  /** True when the run outlived `timeoutMs` and was killed. */
  readonly timedOut: boolean;
}

export interface MeasuredRunOptions {
  /** Kill the run after this long (default 60 s): a hang must fail the test, not stall it. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called once the child has started, e.g. to kill it at the right moment. */
  readonly onStart?: (pid: number) => void;
  /** Called with all of stderr so far each time the child writes to it. */
  readonly onStderr?: (stderr: string) => void;
}

/** `cnnkit …args` in a fresh Node process, measured. */
export async function runCnnkit(
  args: readonly string[],
  options: MeasuredRunOptions = {},
): Promise<MeasuredRun> {
  if (!existsSync(cnnkitBin)) throw new Error(`${cnnkitBin} is missing: run \`pnpm build\` first.`);
  const dir = await mkdtemp(join(tmpdir(), 'cnnkit-peak-'));
  const peakFile = join(dir, 'peak');
  const started = performance.now();
  try {
    const child = spawn(process.execPath, ['--import', reportPeakOnExit, cnnkitBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: 'true', ...options.env, CNNKIT_TEST_PEAK_RSS_FILE: peakFile },
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      options.onStderr?.(stderr);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    clearTimeout(timer);
    const peak = await readFile(peakFile, 'utf8').then(Number, () => undefined);
    const run: MeasuredRun = {
      code,
      signal,
      stdout,
      stderr,
      peakRssBytes: peak,
      seconds: (performance.now() - started) / 1000,
      timedOut,
    };
    recordForReport(args, run);
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * With CNNKIT_HOSTILE_REPORT=<file>, every measured run appends one JSON line (test name,
 * arguments, exit code, peak RSS, seconds, first error line) so the suite's results can be
 * tabulated for a report (`scripts/hostile-inputs-table.mjs`) without changing what it asserts.
 */
function recordForReport(args: readonly string[], run: MeasuredRun): void {
  const file = process.env.CNNKIT_HOSTILE_REPORT;
  if (!file) return;
  const line = {
    test: expect.getState().currentTestName ?? '',
    args,
    code: run.code,
    signal: run.signal,
    peakRssBytes: run.peakRssBytes ?? null,
    seconds: Math.round(run.seconds * 10) / 10,
    message: errorLines(run)[0] ?? '',
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** The bound the issue sets for any hostile input. */
export const PEAK_RSS_LIMIT_BYTES = 1.5 * 1024 ** 3;

/** stderr's lines that are not the backend notice every model command prints first. */
export function errorLines(run: MeasuredRun): string[] {
  return run.stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('cnnkit: backend:'));
}
