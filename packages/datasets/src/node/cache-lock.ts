import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { sleep } from './sleep.js';

/** Who holds a lock, as written in its file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly since: string;
}

/** A held lock: keep it fresh until {@link release}. */
export interface HeldLock {
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** Called once when the lock is busy and we start waiting, with its holder. */
  readonly onWait?: ((holder: LockHolder) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The holder touches its lock this often, so others can tell it is alive. */
const HEARTBEAT_MS = 5_000;
/** A lock not touched for this long is stale, whoever wrote it (another host, a reused pid). */
const STALE_MS = 60_000;
const POLL_MS = 250;

/**
 * Takes the lock file `path` (created exclusively), waiting while another live process holds
 * it. A lock is stale, and is taken over, when its process is gone (same host) or it has not
 * been touched for a minute (any host): a killed download never blocks the cache for good.
 * Returns whether we had to wait, so a waiter can reuse what the holder made.
 */
export async function acquireLock(
  path: string,
  options: AcquireLockOptions = {},
): Promise<{ lock: HeldLock; waited: boolean }> {
  const token = randomBytes(8).toString('hex');
  const me: LockHolder & { token: string } = {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
    token,
  };
  let waited = false;
  let notified = false;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(path, me)) return { lock: holdLock(path, token), waited };
    const current = await readHolder(path);
    if (current !== undefined && isStale(current)) {
      await removeStale(path, current);
      continue;
    }
    if (!notified && current?.holder !== undefined) {
      notified = true;
      options.onWait?.(current.holder);
    }
    waited = true;
    await sleep(POLL_MS, options.signal);
  }
}

/**
 * Creates the lock with its content in one step: written to a temporary file, then linked to
 * `path` (link fails when `path` exists), so a waiter never reads a half-written holder. On a
 * file system without hard links, an exclusive create does the same in two steps.
 */
async function tryCreate(path: string, me: LockHolder & { token: string }): Promise<boolean> {
  const content = `${JSON.stringify(me)}\n`;
  const temporary = `${path}.${me.token}.tmp`;
  await writeFile(temporary, content);
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  try {
    await writeFile(path, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface LockFile {
  /** Undefined when the file is not a lock of ours. */
  readonly holder: (LockHolder & { token: string }) | undefined;
  readonly modifiedMs: number;
}

async function readHolder(path: string): Promise<LockFile | undefined> {
  try {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: (LockHolder & { token: string }) | undefined;
    try {
      holder = JSON.parse(text);
    } catch {
      holder = undefined;
    }
    return { holder, modifiedMs: stats.mtimeMs };
  } catch {
    return undefined; // released meanwhile: try again at once
  }
}

function isStale(lock: LockFile): boolean {
  if (Date.now() - lock.modifiedMs > STALE_MS) return true;
  const holder = lock.holder;
  if (holder === undefined || holder.hostname !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves the stale lock aside before deleting it, and checks that what was moved is the lock
 * judged stale: two waiters judging at once must not remove a lock one of them just took.
 */
async function removeStale(path: string, stale: LockFile): Promise<void> {
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // another waiter moved it first
  }
  const moved = await readHolder(aside);
  if (moved?.holder?.token !== stale.holder?.token) {
    // A fresh lock taken meanwhile: put it back (link fails if yet another one exists).
    await link(aside, path).catch(() => {});
    await rm(aside, { force: true });
    return;
  }
  await rm(aside, { force: true });
}

function holdLock(path: string, token: string): HeldLock {
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      const current = await readHolder(path);
      if (current?.holder?.token === token) await rm(path, { force: true });
    },
  };
}
