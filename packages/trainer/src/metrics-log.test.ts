import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restoreCheckpoint } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-files.js';
import { openMetricsLog } from './metrics-log.js';
import { runTinyTraining } from './test-support/run-tiny-training.js';
import { TinyClassifier } from './test-support/tiny-classifier.js';

let dir = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnnkit-metrics-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openMetricsLog', () => {
  it('after a crash and resume, equals the log of an uninterrupted run', async () => {
    const types = ['report', 'epoch-end', 'checkpoint'] as const;
    const uninterruptedFile = path.join(dir, 'uninterrupted.jsonl');
    const uninterruptedLog = await openMetricsLog(uninterruptedFile, { types });
    const reference = await runTinyTraining({
      checkpointEvery: 3,
      onEvent: (e) => uninterruptedLog.append(e),
    });
    reference.dispose();

    // The interrupted run saves checkpoints and "crashes" at step 8, after logging past
    // its last checkpoint (step 6), leaving a torn line.
    const file = path.join(dir, 'metrics.jsonl');
    const checkpointDir = path.join(dir, 'checkpoint');
    const log = await openMetricsLog(file, { types });
    const controller = new AbortController();
    const crashed = await runTinyTraining({
      checkpointEvery: 3,
      signal: controller.signal,
      onEvent: async (e) => {
        await log.append(e);
        if (e.type === 'checkpoint' && e.step <= 6)
          await saveCheckpoint(checkpointDir, e.checkpoint);
        if (e.type === 'batch-end' && e.step === 8) controller.abort();
      },
    });
    crashed.dispose();
    await writeFile(file, `${await readFile(file, 'utf8')}{"type":"rep`);

    const checkpoint = await loadCheckpoint(checkpointDir);
    expect(checkpoint.state.step).toBe(6);
    const model = new TinyClassifier(3);
    const { optimizer, state } = restoreCheckpoint(checkpoint, model);
    const resumedLog = await openMetricsLog(file, { types, resumeFromStep: state.step });
    const resumed = await runTinyTraining({
      model,
      optimizer,
      start: state,
      checkpointEvery: 3,
      onEvent: (e) => resumedLog.append(e),
    });
    resumed.dispose();

    const expected = await readFile(uninterruptedFile, 'utf8');
    expect(await readFile(file, 'utf8')).toBe(expected);
    const lines = expected
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.type)).toContain('epoch-end');
    expect(lines.every((l) => typeof l.step === 'number' && !('imagesPerSecond' in l))).toBe(true);
  });

  it('starts an empty file without resumeFromStep and rejects a corrupt middle line', async () => {
    const file = path.join(dir, 'm.jsonl');
    await writeFile(file, '{"type":"report","step":1}\nnot json\n{"type":"report","step":2}\n');
    await expect(openMetricsLog(file, { resumeFromStep: 5 })).rejects.toThrow(
      `Metrics log ${file} line 2 is not a JSON event: not json`,
    );
    await openMetricsLog(file);
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('drops damaged lines and reports them when asked, then resumes', async () => {
    const file = path.join(dir, 'm.jsonl');
    await writeFile(
      file,
      '{"type":"report","step":1}\n\u0000\u0000garbage\nnull\n{"type":"report"}\n' +
        '{"type":"report","step":2}\n{"type":"report","step":9}\n',
    );
    const damaged: [number, string][] = [];
    const log = await openMetricsLog(file, {
      resumeFromStep: 5,
      onDamagedLine: (line, text) => damaged.push([line, text]),
    });
    expect(damaged).toEqual([
      [2, '\u0000\u0000garbage'],
      [3, 'null'],
      [4, '{"type":"report"}'],
    ]);
    await log.append({ type: 'report', epoch: 0, batch: 5, step: 6, loss: 1, text: '' });
    expect((await readFile(file, 'utf8')).trim().split('\n')).toEqual([
      '{"type":"report","step":1}',
      '{"type":"report","step":2}',
      '{"type":"report","epoch":0,"batch":5,"step":6,"loss":1,"text":""}',
    ]);
  });

  it('removes the temporary file a crash during the rewrite left behind', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    await writeFile(file, '{"type":"report","step":1}\n');
    await writeFile(`${file}.tmp-4242`, '{"type":"rep');
    await openMetricsLog(file, { resumeFromStep: 1 });
    expect((await readdir(dir)).sort()).toEqual(['metrics.jsonl']);
  });

  it('runs its TSDoc example', async () => {
    const first = await runTinyTraining({ epochs: 1 });
    const saved = first.events.find((e) => e.type === 'checkpoint');
    first.dispose();
    const model = new TinyClassifier(1);
    const { optimizer, state } = restoreCheckpoint(
      (saved as Extract<typeof saved, { type: 'checkpoint' }>).checkpoint,
      model,
    );
    const log = await openMetricsLog(path.join(dir, 'runs/cifar/metrics.jsonl'), {
      resumeFromStep: state.step,
    });
    const run = await runTinyTraining({
      model,
      optimizer,
      epochs: 2,
      start: state,
      onEvent: (e) => log.append(e),
    });
    expect((await readFile(log.path, 'utf8')).trim().split('\n')).toHaveLength(3);
    run.dispose();
  });
});
