import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Checkpoint } from '@cnnkit/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FILES,
  LATEST_FILE,
  loadCheckpoint,
  removeCheckpointLeftovers,
  saveCheckpoint,
} from './checkpoint-files.js';
import { initialTrainingState } from './training-state.js';

let dir = '';
beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'cnnkit-trainer-')), 'checkpoint');
});
afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

function fakeCheckpoint(step: number): Checkpoint {
  return {
    weights: Uint8Array.of(1, 2, step),
    optimizer: Uint8Array.of(9, step),
    state: {
      ...initialTrainingState(),
      step,
      format: 'cnnkit-checkpoint/1',
      optimizer: { lr: 0.01, momentum: 0.9, weightDecay: 0, nesterov: false },
      config: { seed: 1 },
    },
  };
}

async function versions(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('step-')).sort();
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('writes a version directory and latest.json, and loads them back', async () => {
    const written = await saveCheckpoint(dir, fakeCheckpoint(5));
    expect((await readdir(written)).sort()).toEqual(
      [CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.weights, CHECKPOINT_FILES.state].sort(),
    );
    const loaded = await loadCheckpoint(dir);
    expect(loaded).toEqual(fakeCheckpoint(5));
    expect(JSON.parse(await readFile(path.join(dir, LATEST_FILE), 'utf8'))).toEqual({
      version: path.basename(written),
      step: 5,
    });
  });

  it('writes and reads the lookahead average of a run that has one', async () => {
    const base = fakeCheckpoint(4);
    const checkpoint: Checkpoint = {
      ...base,
      averaging: Uint8Array.of(7, 7, 4),
      state: { ...base.state, method: { lookahead: { every: 5, decay: 0.77, power: 3 } } },
    };
    const written = await saveCheckpoint(dir, checkpoint);
    expect((await readdir(written)).sort()).toEqual(
      [
        CHECKPOINT_FILES.averaging,
        CHECKPOINT_FILES.optimizer,
        CHECKPOINT_FILES.weights,
        CHECKPOINT_FILES.state,
      ].sort(),
    );
    expect(await loadCheckpoint(dir)).toEqual(checkpoint);
    await rm(path.join(written, CHECKPOINT_FILES.averaging));
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      `Checkpoint file ${path.join(written, CHECKPOINT_FILES.averaging)} is missing`,
    );
  });

  it('keeps the newest versions only, even when the same step is saved twice', async () => {
    for (const step of [1, 2, 3, 3]) await saveCheckpoint(dir, fakeCheckpoint(step));
    const names = await versions();
    expect(names).toHaveLength(2);
    expect(names.every((name) => name.startsWith('step-000000003-'))).toBe(true);
    expect((await loadCheckpoint(dir)).state.step).toBe(3);
    await saveCheckpoint(dir, fakeCheckpoint(4), { keep: 1 });
    expect(await versions()).toHaveLength(1);
  });

  it('ignores what a crash mid-write leaves and keeps the previous checkpoint', async () => {
    await saveCheckpoint(dir, fakeCheckpoint(1));
    // A crash after some files of the next checkpoint were written, before the renames.
    const torn = path.join(dir, '.tmp-step-000000002-mi3x0k2a1f9c-abcd1234');
    await mkdir(torn);
    await writeFile(path.join(torn, CHECKPOINT_FILES.weights), 'partial');
    await writeFile(path.join(dir, `.tmp-${LATEST_FILE}-deadbeef`), '{"vers');
    expect(await loadCheckpoint(dir)).toEqual(fakeCheckpoint(1));
    await saveCheckpoint(dir, fakeCheckpoint(2));
    expect((await loadCheckpoint(dir)).state.step).toBe(2);
    // Nothing reads the leftovers; removeCheckpointLeftovers takes them away.
    expect(await removeCheckpointLeftovers(dir)).toEqual([
      `.tmp-${LATEST_FILE}-deadbeef`,
      '.tmp-step-000000002-mi3x0k2a1f9c-abcd1234',
    ]);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await loadCheckpoint(dir)).state.step).toBe(2);
    expect(await removeCheckpointLeftovers(path.join(dir, 'missing'))).toEqual([]);
  });

  it('names the missing or broken file in its errors', async () => {
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      `Checkpoint file ${path.join(dir, LATEST_FILE)} is missing`,
    );
    const written = await saveCheckpoint(dir, fakeCheckpoint(1));
    await rm(path.join(written, CHECKPOINT_FILES.optimizer));
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      `Checkpoint file ${path.join(written, CHECKPOINT_FILES.optimizer)} is missing`,
    );
    await writeFile(path.join(written, CHECKPOINT_FILES.state), '{');
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      `Checkpoint file ${path.join(written, CHECKPOINT_FILES.state)} is not valid JSON`,
    );
    await writeFile(path.join(dir, LATEST_FILE), '{"version": "../elsewhere"}');
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      /must name a version directory.*"..\/elsewhere"/,
    );
  });

  it('runs the TSDoc examples', async () => {
    const checkpoint = fakeCheckpoint(7);
    const runDir = path.join(dir, 'runs/cifar/checkpoint');
    await saveCheckpoint(runDir, checkpoint);
    expect(await loadCheckpoint(runDir)).toEqual(checkpoint);
  });
});
