// A full disk, simulated: node:fs/promises is wrapped so that, once armed, the n-th write
// stores half of its bytes and then fails with ENOSPC, as a real full disk does.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Checkpoint } from '@cnnkit/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-files.js';
import { openMetricsLog } from './metrics-log.js';
import { initialTrainingState } from './training-state.js';

const disk = vi.hoisted(() => ({ failAtWrite: 0, writes: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const enospc = (file: unknown) =>
    Object.assign(new Error(`ENOSPC: no space left on device, write '${String(file)}'`), {
      code: 'ENOSPC',
      path: String(file),
    });
  // Counts one write; when it is the armed one, stores half of `data` and throws.
  const full = async (
    data: string | Uint8Array,
    writeHalf: (half: string | Uint8Array) => Promise<void>,
    file: unknown,
  ) => {
    disk.writes++;
    if (disk.failAtWrite === 0 || disk.writes !== disk.failAtWrite) return false;
    await writeHalf(data.slice(0, Math.floor(data.length / 2)));
    throw enospc(file);
  };
  return {
    ...fs,
    async open(file: Parameters<typeof fs.open>[0], flags?: string | number) {
      const handle = await fs.open(file, flags);
      const writeFileOriginal = handle.writeFile.bind(handle);
      handle.writeFile = (async (data: string | Uint8Array) => {
        if (!(await full(data, (half) => writeFileOriginal(half), file))) {
          await writeFileOriginal(data);
        }
      }) as typeof handle.writeFile;
      return handle;
    },
    async writeFile(file: string, data: string | Uint8Array) {
      if (!(await full(data, (half) => fs.writeFile(file, half), file)))
        await fs.writeFile(file, data);
    },
    async appendFile(file: string, data: string | Uint8Array) {
      if (!(await full(data, (half) => fs.appendFile(file, half), file))) {
        await fs.appendFile(file, data);
      }
    },
  };
});

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnnkit-disk-full-'));
  disk.failAtWrite = 0;
  disk.writes = 0;
});
afterEach(async () => {
  disk.failAtWrite = 0;
  await rm(dir, { recursive: true, force: true });
});

function checkpointAt(step: number): Checkpoint {
  return {
    weights: new Uint8Array(64).fill(step),
    optimizer: new Uint8Array(32).fill(step),
    state: {
      ...initialTrainingState(),
      step,
      format: 'cnnkit-checkpoint/1',
      optimizer: { lr: 0.01, momentum: 0.9, weightDecay: 0, nesterov: false },
      config: {},
    },
  };
}

describe('saveCheckpoint on a full disk', () => {
  // saveCheckpoint writes weights, optimizer, state.json, then latest.json: fail each in turn.
  it.each([1, 2, 3, 4])('keeps the previous checkpoint when write %i fails', async (nth) => {
    const checkpointDir = path.join(dir, 'checkpoint');
    await saveCheckpoint(checkpointDir, checkpointAt(1));
    disk.writes = 0;
    disk.failAtWrite = nth;
    await expect(saveCheckpoint(checkpointDir, checkpointAt(2))).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    disk.failAtWrite = 0;
    expect(disk.writes).toBe(nth);
    // No temporary version or pointer is left, and latest.json names the complete step 1.
    const names = await readdir(checkpointDir);
    expect(names.filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('step-'))).toHaveLength(1);
    expect(await loadCheckpoint(checkpointDir)).toEqual(checkpointAt(1));
    // Once there is room again the next save works.
    await saveCheckpoint(checkpointDir, checkpointAt(3));
    expect((await loadCheckpoint(checkpointDir)).state.step).toBe(3);
  });
});

describe('openMetricsLog on a full disk', () => {
  it('keeps the old file when the resume rewrite fails, and leaves no temporary file', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    const text = '{"type":"report","step":1}\n{"type":"report","step":2}\n';
    await writeFile(file, text);
    disk.writes = 0;
    disk.failAtWrite = 1;
    await expect(openMetricsLog(file, { resumeFromStep: 1 })).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    disk.failAtWrite = 0;
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['metrics.jsonl']);
  });

  it('resumes after an append that stopped half-way', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    const log = await openMetricsLog(file);
    const report = (step: number) =>
      ({ type: 'report', epoch: 0, batch: step - 1, step, loss: 2, text: '' }) as const;
    await log.append(report(1));
    disk.writes = 0;
    disk.failAtWrite = 1;
    await expect(log.append(report(2))).rejects.toMatchObject({ code: 'ENOSPC' });
    disk.failAtWrite = 0;
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(2); // one line, one torn
    const resumed = await openMetricsLog(file, { resumeFromStep: 1 });
    await resumed.append(report(2));
    expect(
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).step),
    ).toEqual([1, 2]);
  });
});
