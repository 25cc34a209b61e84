import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MODEL_NAMES, type ModelName } from '@cnnkit/models';
import { LATEST_FILE, removeCheckpointLeftovers } from '@cnnkit/trainer/node';
import { TEMPORARY_SUFFIX } from './atomic-file.js';
import { LOCK_FILE } from './run-lock.js';

/** `runs/2026-11-28T15-40-12` under `base`: a new directory per run, sortable by time. */
export function defaultRunDirectory(now: Date = new Date(), base = 'runs'): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return join(base, stamp);
}

/**
 * `mkdir -p dir`, one level at a time. Node's own recursive mkdir loops forever where mkdir
 * answers ENOENT under an existing parent (/proc, some FUSE file systems); this fails instead.
 *
 * @returns Whether `dir` was created (false: it existed).
 */
export async function createDirectory(dir: string): Promise<boolean> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; ) {
    try {
      if ((await stat(current)).isDirectory()) break;
      throw Object.assign(new Error(`${current} is not a directory`), {
        code: missing.length === 0 ? 'EEXIST' : 'ENOTDIR',
        path: current,
      });
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      missing.unshift(current);
      current = parent;
    }
  }
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return missing.length > 0;
}

/** The files a run keeps in its directory (the lock only while a process runs it). */
export const RUN_FILES = {
  settings: 'run.json',
  checkpoints: 'checkpoint',
  metrics: 'metrics.jsonl',
} as const;

/** The final weights' file name: the model's, e.g. `simple-cnn.safetensors`. */
export const weightsFile = (model: ModelName): string => `${model}.safetensors`;

/** Every file name a run may hold, whatever its model. */
const ALL_RUN_FILES = [...Object.values(RUN_FILES), ...MODEL_NAMES.map(weightsFile)];

/** Where a run of `model` keeps its files. */
export function runPaths(dir: string, model: ModelName = 'simple-cnn') {
  return {
    settings: join(dir, RUN_FILES.settings),
    checkpoints: join(dir, RUN_FILES.checkpoints),
    metrics: join(dir, RUN_FILES.metrics),
    weights: join(dir, weightsFile(model)),
    lock: join(dir, LOCK_FILE),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Which of a run's files `dir` holds; empty when no run was ever started there. */
export async function runFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of ALL_RUN_FILES) {
    if (await exists(join(dir, name))) found.push(name);
  }
  return found;
}

/** What is in a run directory, for messages: finished, stopped at a step, or just started. */
export async function describeRun(dir: string): Promise<string> {
  const paths = runPaths(dir);
  for (const name of MODEL_NAMES.map(weightsFile)) {
    if (await exists(join(dir, name))) return 'a finished run';
  }
  try {
    const latest = JSON.parse(await readFile(join(paths.checkpoints, LATEST_FILE), 'utf8'));
    if (typeof latest?.step === 'number') return `a run stopped at step ${latest.step}`;
  } catch {
    // No readable checkpoint: say less.
  }
  return 'a run';
}

/** Deletes a run's files (for `--force`); other files in `dir` are left alone. */
export async function removeRunFiles(dir: string): Promise<void> {
  for (const name of ALL_RUN_FILES) {
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

// A lock draft older than this belongs to a process killed while taking the lock.
const STALE_DRAFT_MS = 60_000;

/**
 * Removes the temporary files a killed run left: half-written checkpoints and `latest.json`,
 * `run.json` and weights files that were never renamed into place, lock drafts. Only while
 * holding the run's lock, so no other process is writing them.
 *
 * @returns The paths removed.
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const temporaryOf = [RUN_FILES.settings, ...MODEL_NAMES.map(weightsFile)].map(
    (name) => `${name}${TEMPORARY_SUFFIX}`,
  );
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const leftover =
      temporaryOf.some((prefix) => name.startsWith(prefix)) ||
      (name.startsWith(`${LOCK_FILE}.`) &&
        /^\d+-[0-9a-f]+$/.test(name.slice(LOCK_FILE.length + 1)) &&
        Date.now() - (await stat(path)).mtimeMs > STALE_DRAFT_MS);
    if (leftover) {
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  const checkpoints = runPaths(dir).checkpoints;
  for (const name of await removeCheckpointLeftovers(checkpoints)) {
    removed.push(join(checkpoints, name));
  }
  return removed;
}
