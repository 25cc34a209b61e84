import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint, CheckpointState } from '@cnnkit/contracts';

/** File names inside one checkpoint version directory. */
export const CHECKPOINT_FILES = {
  weights: 'model.safetensors',
  optimizer: 'optimizer.safetensors',
  /** Only in checkpoints of runs with lookahead (the state's `method.lookahead`). */
  averaging: 'averaging.safetensors',
  state: 'state.json',
} as const;

/** The pointer file naming the newest complete version directory. */
export const LATEST_FILE = 'latest.json';

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** How many complete versions to keep (the newest included). Default 2. */
  readonly keep?: number;
}

async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the renames themselves durable; not every platform can open a directory (Windows).
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

// The time suffix keeps names unique, so saving the same step twice (e.g. an interval
// checkpoint, then the final one after an abort) never replaces the directory latest.json names.
function versionName(step: number): string {
  const time = Date.now().toString(36).padStart(10, '0');
  return `step-${String(step).padStart(9, '0')}-${time}${randomBytes(2).toString('hex')}`;
}

const VERSION_PATTERN = /^step-\d{9}-[0-9a-z]+$/;

// Version directories and latest.json are first written under this prefix, then renamed.
const TEMPORARY_PREFIX = '.tmp-';

/**
 * Writes `checkpoint` under `dir` so that a crash at any moment leaves either the previous
 * checkpoint or the new one, never a half-written one. Layout:
 * `dir/step-000000123-<time>/{model.safetensors, optimizer.safetensors, state.json}` (and
 * `averaging.safetensors` with lookahead) plus
 * `dir/latest.json` (`{"version": "step-000000123-<time>", "step": 123}`). Each version is written
 * into a temporary directory and renamed into place; `latest.json` is then replaced by
 * rename, which is atomic; older versions beyond `keep` are removed last.
 *
 * @returns The version directory written.
 *
 * @example
 * ```ts
 * const checkpoint = createCheckpoint({ model, optimizer, state: result.state });
 * await saveCheckpoint('runs/cifar/checkpoint', checkpoint);
 * ```
 */
export async function saveCheckpoint(
  dir: string,
  checkpoint: Checkpoint,
  options: SaveCheckpointOptions = {},
): Promise<string> {
  const { keep = 2 } = options;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new RangeError(`saveCheckpoint keep must be an integer >= 1, got ${String(keep)}.`);
  }
  await mkdir(dir, { recursive: true });
  const version = versionName(checkpoint.state.step);
  const temporary = path.join(
    dir,
    `${TEMPORARY_PREFIX}${version}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(temporary);
  try {
    await writeFileDurably(path.join(temporary, CHECKPOINT_FILES.weights), checkpoint.weights);
    await writeFileDurably(path.join(temporary, CHECKPOINT_FILES.optimizer), checkpoint.optimizer);
    if (checkpoint.averaging) {
      await writeFileDurably(
        path.join(temporary, CHECKPOINT_FILES.averaging),
        checkpoint.averaging,
      );
    }
    await writeFileDurably(
      path.join(temporary, CHECKPOINT_FILES.state),
      `${JSON.stringify(checkpoint.state, null, 2)}\n`,
    );
    await syncDirectory(temporary);
    await rename(temporary, path.join(dir, version));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const pointer = path.join(
    dir,
    `${TEMPORARY_PREFIX}${LATEST_FILE}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await writeFileDurably(
      pointer,
      `${JSON.stringify({ version, step: checkpoint.state.step })}\n`,
    );
    await rename(pointer, path.join(dir, LATEST_FILE));
  } catch (error) {
    // latest.json still names the previous version; the new one is complete but unnamed, so
    // it goes too, or the next save's clean-up could keep it instead of the named one.
    await rm(pointer, { force: true });
    await rm(path.join(dir, version), { recursive: true, force: true });
    throw error;
  }
  await syncDirectory(dir);

  const versions = (await readdir(dir)).filter((name) => VERSION_PATTERN.test(name)).sort();
  const stale = versions
    .filter((name) => name !== version)
    .slice(0, Math.max(0, versions.length - keep));
  for (const name of stale) await rm(path.join(dir, name), { recursive: true, force: true });
  return path.join(dir, version);
}

/**
 * Removes what {@link saveCheckpoint} leaves when its process is killed mid-write: temporary
 * version directories and `latest.json` files (`.tmp-*`). They are never read, only take space.
 * Call it only while no other process saves into `dir` (for example while holding the run's
 * lock): another writer's files in progress look the same.
 *
 * @returns The names removed, in order.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 *
 * await saveCheckpoint('run/checkpoint', checkpoint);
 * // What a kill -9 while writing the next latest.json leaves:
 * await writeFile('run/checkpoint/.tmp-latest.json-3f2a9c1b', '{"vers');
 * const removed = await removeCheckpointLeftovers('run/checkpoint');
 * removed.length; // 1
 * (await loadCheckpoint('run/checkpoint')).state.step; // 1
 * ```
 */
export async function removeCheckpointLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const leftovers = names.filter((name) => name.startsWith(TEMPORARY_PREFIX)).sort();
  for (const name of leftovers) await rm(path.join(dir, name), { recursive: true, force: true });
  return leftovers;
}

async function readRequired(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `Checkpoint file ${file} is missing; the checkpoint is incomplete or the path is wrong.`
        : `Cannot read checkpoint file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Checkpoint file ${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Reads the newest complete checkpoint under `dir` (the one `latest.json` names). Errors name
 * the file that is missing or unreadable.
 *
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint('runs/cifar/checkpoint');
 * const { optimizer, state } = restoreCheckpoint(checkpoint, model);
 * ```
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const latestFile = path.join(dir, LATEST_FILE);
  const latest = parseJson(latestFile, (await readRequired(latestFile)).toString('utf8')) as {
    version?: unknown;
  };
  if (typeof latest?.version !== 'string' || !VERSION_PATTERN.test(latest.version)) {
    throw new Error(
      `Checkpoint file ${latestFile} must name a version directory like "step-000000123-mi3x0k2a1f9c", got ${JSON.stringify(latest?.version)}.`,
    );
  }
  const versionDir = path.join(dir, latest.version);
  const stateFile = path.join(versionDir, CHECKPOINT_FILES.state);
  const state = parseJson(stateFile, (await readRequired(stateFile)).toString('utf8'));
  if ((state as CheckpointState)?.format !== 'cnnkit-checkpoint/1') {
    throw new Error(
      `Checkpoint file ${stateFile} has format ${JSON.stringify((state as CheckpointState)?.format)}, expected "cnnkit-checkpoint/1".`,
    );
  }
  const toBytes = (buffer: Buffer) =>
    new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const averaging = (state as CheckpointState).method?.lookahead
    ? toBytes(await readRequired(path.join(versionDir, CHECKPOINT_FILES.averaging)))
    : undefined;
  return {
    weights: toBytes(await readRequired(path.join(versionDir, CHECKPOINT_FILES.weights))),
    optimizer: toBytes(await readRequired(path.join(versionDir, CHECKPOINT_FILES.optimizer))),
    ...(averaging ? { averaging } : {}),
    state: state as CheckpointState,
  };
}
