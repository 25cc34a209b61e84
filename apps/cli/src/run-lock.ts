import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from './user-errors.js';

/** Who holds a run directory: written into its lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder took the lock. */
  readonly startedAt: string;
  /** The holder's start time in clock ticks since boot (Linux), so a reused pid is told apart. */
  readonly processStart?: string;
  /** The command line, for the message a second run prints. */
  readonly command: string;
}

/** A lock held by this process; `release` is safe to call more than once. */
export interface RunLock {
  readonly path: string;
  release(): Promise<void>;
}

export const LOCK_FILE = 'run.lock';

// A takeover (removing a dead holder's lock) happens under this directory, so two processes
// that both find the same stale lock cannot both remove a lock and one remove the other's.
const TAKEOVER_SUFFIX = '.takeover';
// Older than this, a takeover directory belongs to a process killed in the middle of one.
const STALE_TAKEOVER_MS = 10_000;

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
async function processStart(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The second field is the command name in parentheses and may hold spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** true: alive, false: gone, undefined: cannot tell (another host). */
async function isRunning(holder: LockHolder): Promise<boolean | undefined> {
  if (holder.host !== hostname()) return undefined;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a process of another user has that pid, so something runs there.
  }
  if (holder.processStart !== undefined) {
    const now = await processStart(holder.pid);
    if (now !== undefined && now !== holder.processStart) return false;
  }
  return true;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return undefined;
    return {
      pid: holder.pid,
      host: holder.host,
      startedAt: String(holder.startedAt ?? 'an unknown time'),
      command: String(holder.command ?? 'cnnkit'),
      ...(typeof holder.processStart === 'string' ? { processStart: holder.processStart } : {}),
    };
  } catch {
    return undefined;
  }
}

function localTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('sv-SE');
}

/** `pid 1234 on vm, started 2026-11-28 15:40:12: pnpm cnnkit train --out runs/x`. */
export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, started ${localTime(holder.startedAt)}: ${holder.command}`;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function withTakeoverLock<T>(lockFile: string, action: () => Promise<T>): Promise<T> {
  const guard = `${lockFile}${TAKEOVER_SUFFIX}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(guard);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(guard).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_TAKEOVER_MS) await rm(guard, { recursive: true, force: true });
      else if (attempt > 100) throw error;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await action();
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

/**
 * Makes this process the only one that runs in `dir`: creates `dir/run.lock` naming it, or
 * fails at once with a {@link UserError} naming the holder. A lock whose holder is no longer
 * running (killed with kill -9, a crash, a reboot) is taken over, and `notify` says so. The
 * lock file appears whole (hard link of a written file), so it is never seen half-written.
 * It is removed by `release`, or when the process exits without calling it.
 */
export async function acquireRunLock(
  dir: string,
  options: { readonly command: string; readonly notify: (line: string) => void },
): Promise<RunLock> {
  const file = join(dir, LOCK_FILE);
  const started = await processStart(process.pid);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: options.command,
    ...(started === undefined ? {} : { processStart: started }),
  };
  const text = `${JSON.stringify(holder)}\n`;
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(draft, text);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
      }
      const found = await readText(file);
      if (found === undefined) continue; // released in between: try again
      const other = parseHolder(found);
      const running = other === undefined ? false : await isRunning(other);
      if (other !== undefined && running !== false) {
        const check =
          running === undefined
            ? `; if that process is gone, delete ${file}`
            : '; wait for it to finish or stop it';
        throw new UserError(
          `${dir} is in use by another cnnkit run (${describeHolder(other)})${check}, or choose another directory.`,
        );
      }
      const removed = await withTakeoverLock(file, async () => {
        if ((await readText(file)) !== found) return false; // someone else took it over first
        await unlink(file);
        return true;
      });
      if (removed) {
        options.notify(
          other === undefined
            ? `${file} was damaged; taking the run over`
            : `${file} was left by a run that is no longer running (${describeHolder(other)}); taking it over`,
        );
      }
    }
  } finally {
    await rm(draft, { force: true });
  }

  const ours = () => {
    try {
      return readFileSync(file, 'utf8') === text;
    } catch {
      return false;
    }
  };
  // A second Ctrl-C ends the process with process.exit; the lock must not outlive it.
  const releaseAtExit = () => {
    if (ours()) unlinkSync(file);
  };
  process.once('exit', releaseAtExit);
  let released = false;
  return {
    path: file,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', releaseAtExit);
      if ((await readText(file)) === text) await unlink(file);
    },
  };
}
