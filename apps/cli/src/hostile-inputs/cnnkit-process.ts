// Runs the built `cnnkit` in a fresh process for the hostile-input tests of run directories,
// the environment and weights (turbo builds the CLI before its tests).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Run as this user and group (needs root): a permission problem root would not have. */
  readonly uid?: number;
  readonly gid?: number;
}

export function startCnnkit(
  args: readonly string[],
  options: RunOptions = {},
): { child: ChildProcess; done: Promise<Run> } {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  const child = spawn(process.execPath, [bin, ...args], {
    // CI: plain progress lines instead of the bar.
    env: { ...process.env, CI: 'true', CNNKIT_INVOCATION: '' },
    ...options,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export const cnnkit = (args: readonly string[], options?: RunOptions) =>
  startCnnkit(args, options).done;

export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The one line a failed command ends with (`cnnkit: …`), after checking that stderr holds no
 * stack trace and that the error is a single line.
 */
export function errorLine(run: Run): string {
  if (/\n\s+at /.test(run.stderr)) throw new Error(`stack trace on stderr:\n${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  if (!last.startsWith('cnnkit: ')) throw new Error(`no error line on stderr:\n${run.stderr}`);
  return last;
}
