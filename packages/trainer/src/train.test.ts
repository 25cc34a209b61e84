import type { Checkpoint, LogitsOptions, TrainingEvent } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { MemoryBatchSource, makeImages } from './test-support/memory-batch-source.js';
import {
  lossesByStep,
  runTinyTraining,
  TINY_RUN,
  tinySources,
} from './test-support/run-tiny-training.js';
import { TinyClassifier } from './test-support/tiny-classifier.js';
import { train } from './train.js';
import type { TrainingProgressEvent } from './training-events.js';

function describeEvent(e: TrainingEvent): string {
  switch (e.type) {
    case 'batch-end':
      return `batch-end e${e.epoch} b${e.batch} s${e.step}`;
    case 'report':
      return `report e${e.epoch} b${e.batch} s${e.step}`;
    case 'epoch-end':
      return `epoch-end e${e.epoch} s${e.step}`;
    case 'checkpoint':
      return `checkpoint ${e.reason} e${e.epoch} b${e.batchInEpoch} s${e.step}`;
  }
}

// cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter kernel (the test model has a
// conv layer; @cnnkit/wasm-kernels adds it), and cpu is where resume is promised bit-exact.
describe.each(['cpu'] as const)('train (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('emits events in order, to the callback and the EventTarget', async () => {
    const target = new EventTarget();
    const seen: string[] = [];
    for (const type of ['batch-end', 'report', 'epoch-end', 'checkpoint']) {
      target.addEventListener(type, (e) => {
        seen.push(describeEvent((e as TrainingProgressEvent).detail));
      });
    }
    const run = await runTinyTraining({ epochs: 2, checkpointEvery: 3, events: target });
    const order = run.events.map(describeEvent);
    expect(order).toEqual([
      'batch-end e0 b0 s1',
      'batch-end e0 b1 s2',
      'report e0 b1 s2',
      'batch-end e0 b2 s3',
      'checkpoint interval e0 b3 s3',
      'batch-end e0 b3 s4',
      'report e0 b3 s4',
      'epoch-end e0 s4',
      'checkpoint epoch-end e1 b0 s4',
      'batch-end e1 b0 s5',
      'batch-end e1 b1 s6',
      'report e1 b1 s6',
      'checkpoint interval e1 b2 s6',
      'batch-end e1 b2 s7',
      'batch-end e1 b3 s8',
      'report e1 b3 s8',
      'epoch-end e1 s8',
      'checkpoint epoch-end e2 b0 s8',
    ]);
    expect(seen).toEqual(order);
    expect(run.result).toMatchObject({
      stopReason: 'completed',
      state: { epoch: 2, batchInEpoch: 0, step: 8 },
    });
    run.dispose();
  });

  it('reports the running mean loss like the seed and the epoch mean', async () => {
    const run = await runTinyTraining({ epochs: 1 });
    const losses = run.events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));
    const reports = run.events.filter((e) => e.type === 'report');
    expect(reports.map((r) => r.loss)).toEqual([
      ((losses[0] as number) + (losses[1] as number)) / 2,
      ((losses[2] as number) + (losses[3] as number)) / 2,
    ]);
    expect(reports[0]?.text).toMatch(/^\[1, {5}2\] loss: \d\.\d{3}$/);
    const epochEnd = run.events.find((e) => e.type === 'epoch-end');
    expect(epochEnd?.trainLoss).toBe(losses.reduce((a, b) => a + b, 0) / losses.length);
    expect(epochEnd?.test?.count).toBe(TINY_RUN.testImages);
    expect(run.result.state.history).toHaveLength(1);
    for (const e of run.events)
      if (e.type === 'batch-end') expect(e.imagesPerSecond).toBeGreaterThan(0);
    run.dispose();
  });

  it('learns: the loss goes down on the tiny task', async () => {
    const run = await runTinyTraining({ epochs: 6, checkpointAtEpochEnd: false });
    const history = run.result.state.history;
    expect((history.at(-1) as { trainLoss: number }).trainLoss).toBeLessThan(
      (history[0] as { trainLoss: number }).trainLoss,
    );
    run.dispose();
  });

  it('gives the same loss curve and weights for the same seed', async () => {
    const first = await runTinyTraining();
    const second = await runTinyTraining();
    expect([...lossesByStep(second.events)]).toEqual([...lossesByStep(first.events)]);
    expect(second.model.weightValues()).toEqual(first.model.weightValues());
    first.dispose();
    second.dispose();
  });

  it('resumes from any checkpoint bit-exactly (losses, weights, history)', async () => {
    const checkpoints = new Map<number, Checkpoint>();
    const reference = await runTinyTraining({
      checkpointEvery: 3,
      onEvent: (e) => {
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    const referenceLosses = lossesByStep(reference.events);
    expect([...checkpoints.keys()]).toEqual([3, 4, 6, 8, 9, 12]);
    for (const k of [3, 4, 9]) {
      // A differently initialised model: everything must come from the checkpoint.
      const model = new TinyClassifier(99);
      const checkpoint = checkpoints.get(k) as Checkpoint;
      // The state goes through JSON, as it does in state.json.
      const restored = restoreCheckpoint(
        { ...checkpoint, state: JSON.parse(JSON.stringify(checkpoint.state)) },
        model,
      );
      const resumed = await runTinyTraining({
        model,
        optimizer: restored.optimizer,
        start: restored.state,
        checkpointEvery: 3,
      });
      const resumedLosses = lossesByStep(resumed.events);
      expect([...resumedLosses.keys()][0]).toBe(k + 1);
      for (const [step, loss] of resumedLosses) expect(loss).toBe(referenceLosses.get(step));
      expect(resumed.model.weightValues()).toEqual(reference.model.weightValues());
      expect(resumed.result.state).toEqual(reference.result.state);
      const reportsAfterK = (events: TrainingEvent[]) =>
        events
          .filter((e) => e.type === 'report' && e.step > k)
          .map((e) => (e as { loss: number }).loss);
      expect(reportsAfterK(resumed.events)).toEqual(reportsAfterK(reference.events));
      resumed.dispose();
    }
    reference.dispose();
  });

  it('stops between batches on abort and continues identically from the returned state', async () => {
    const reference = await runTinyTraining({ checkpointAtEpochEnd: false });
    const controller = new AbortController();
    const stopped = await runTinyTraining({
      checkpointAtEpochEnd: false,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch-end' && e.step === 6) controller.abort();
      },
    });
    expect(stopped.result.stopReason).toBe('aborted');
    // The step queued behind step 6 when the signal fired still completes.
    expect(stopped.result.state).toMatchObject({ epoch: 1, batchInEpoch: 3, step: 7 });
    const final = createCheckpoint({
      model: stopped.model,
      optimizer: stopped.optimizer,
      state: stopped.result.state,
      config: { seed: TINY_RUN.dataSeed },
    });
    stopped.dispose();
    const model = new TinyClassifier(5);
    const restored = restoreCheckpoint(final, model);
    expect(restored.config).toEqual({ seed: TINY_RUN.dataSeed });
    const resumed = await runTinyTraining({
      model,
      optimizer: restored.optimizer,
      start: restored.state,
      checkpointAtEpochEnd: false,
    });
    expect(resumed.model.weightValues()).toEqual(reference.model.weightValues());
    expect(resumed.result.state).toEqual(reference.result.state);
    resumed.dispose();
    reference.dispose();
  });

  it('stops on a NaN loss with a clear error and keeps the last good weights', async () => {
    const images = makeImages(12, 10);
    images.pixels[5 * 32] = Number.NaN; // image 5 is in batch 2 (batches of 2, no shuffle)
    const poisoned = new MemoryBatchSource(images, 2, undefined);
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const optimizer = new SgdOptimizer(model.parameters, TINY_RUN.sgd);
    const error = await train({ model, optimizer, trainData: poisoned, epochs: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error.message).toMatch(/loss became NaN at epoch 1, batch 3 \(step 3\)/);
    expect(error.message).toMatch(/learning rate 0.05 is probably too high: try 0.005/);
    expect(error.state).toMatchObject({ epoch: 0, batchInEpoch: 2, step: 2 });

    const clean = new MemoryBatchSource({ ...images, count: 4 }, 2, undefined);
    const good = new TinyClassifier(TINY_RUN.modelSeed);
    const goodOptimizer = new SgdOptimizer(good.parameters, TINY_RUN.sgd);
    await train({ model: good, optimizer: goodOptimizer, trainData: clean, epochs: 1 });
    expect(model.weightValues()).toEqual(good.weightValues());
    expect(optimizer.exportMomentumBuffers()).toEqual(goodOptimizer.exportMomentumBuffers());
    for (const m of [model, good]) m.dispose();
    for (const o of [optimizer, goodOptimizer]) o.dispose();
  });

  it('keeps the tensor count flat across steps and epochs', async () => {
    const counts: number[][] = [];
    const run = await runTinyTraining({
      epochs: 4,
      onEvent: (e) => {
        if (e.type === 'batch-end') {
          counts[e.epoch] ??= [];
          counts[e.epoch]?.push(tf.memory().numTensors);
        }
      },
    });
    for (const epochCounts of counts.slice(1)) expect(epochCounts).toEqual(counts[0]);
    expect(new Set(counts[0]?.slice(0, -1)).size).toBe(1);
    run.dispose();
  });

  it('runs training steps in training mode and evaluations in evaluation mode', async () => {
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const modes: string[] = [];
    const logits = model.logits.bind(model);
    model.logits = (images: tf.Tensor4D, options?: LogitsOptions) => {
      modes.push(options?.training ? 'train' : 'eval');
      return logits(images);
    };
    const run = await runTinyTraining({ model, epochs: 1 });
    // 4 training batches, then the test set's 2 batches.
    expect(modes).toEqual(['train', 'train', 'train', 'train', 'eval', 'eval']);
    run.dispose();
  });

  it('trains a parameter only during its first epochs (trainedForEpochs)', async () => {
    const biasAfterEpoch: number[][] = [];
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const bias = () => Array.from(model.parameters[1]?.variable.dataSync() ?? []);
    const before = bias();
    const run = await runTinyTraining({
      model,
      method: { trainedForEpochs: { 'conv.bias': 1 } },
      onEvent: (e) => {
        if (e.type === 'epoch-end') biasAfterEpoch.push(bias());
      },
    });
    expect(biasAfterEpoch[0]).not.toEqual(before);
    expect(biasAfterEpoch[1]).toEqual(biasAfterEpoch[0]);
    expect(biasAfterEpoch[2]).toEqual(biasAfterEpoch[0]);
    // Its momentum buffer is kept as it was when it froze, not decayed.
    expect(run.result.state.step).toBe(12);
    run.dispose();
  });

  it('rejects a method that does not fit the model, quoting the value', async () => {
    const model = new TinyClassifier(1);
    const optimizer = new SgdOptimizer(model.parameters, { lr: 0.1 });
    const { trainData } = tinySources();
    await expect(
      train({
        model,
        optimizer,
        trainData,
        epochs: 1,
        method: { trainedForEpochs: { 'whiten.bias': 3 } },
      }),
    ).rejects.toThrow(/trainedForEpochs names "whiten.bias", which is not a trainable parameter/);
    await expect(
      train({
        model,
        optimizer,
        trainData,
        epochs: 1,
        method: { lookahead: { every: 5, decay: 0.7, power: 3 } },
      }),
    ).rejects.toThrow(/method.lookahead needs averaging/);
    await expect(
      train({
        model,
        optimizer,
        trainData,
        epochs: 1,
        method: { lrSchedule: { type: 'piecewise-linear', points: [[0, 1]] } },
      }),
    ).rejects.toThrow(/train method: learning-rate schedule points \[\[0,1\]\] need at least two/);
    optimizer.dispose();
    model.dispose();
  });

  it('freezes by both sources at once: outside the optimizer for the run, trainedForEpochs after its epochs', async () => {
    const biasAfterEpoch: number[][] = [];
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const value = (name: string) =>
      Array.from(model.parameters.find((p) => p.name === name)?.variable.dataSync() ?? []);
    const weightBefore = value('conv.weight');
    const biasBefore = value('conv.bias');
    const fcBefore = value('fc.weight');
    const run = await runTinyTraining({
      model,
      optimizer: new SgdOptimizer(
        model.parameters.filter((p) => p.name !== 'conv.weight'),
        TINY_RUN.sgd,
      ),
      method: { trainedForEpochs: { 'conv.bias': 1 } },
      onEvent: (e) => {
        if (e.type === 'epoch-end') biasAfterEpoch.push(value('conv.bias'));
      },
    });
    expect(value('conv.weight')).toEqual(weightBefore);
    expect(biasAfterEpoch[0]).not.toEqual(biasBefore);
    expect(biasAfterEpoch[2]).toEqual(biasAfterEpoch[0]);
    expect(value('fc.weight')).not.toEqual(fcBefore);
    expect(run.result.state.step).toBe(12);
    run.dispose();
  });

  it('keeps parameters outside the optimizer frozen, and resumes such a run exactly', async () => {
    const byName = (m: TinyClassifier) =>
      new Map(m.parameters.map((p) => [p.name, Array.from(p.variable.dataSync())]));
    const initial = new TinyClassifier(TINY_RUN.modelSeed);
    const before = byName(initial);
    initial.dispose();
    const headOnly = (model: TinyClassifier) =>
      model.parameters.filter((p) => p.name.startsWith('fc.'));
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const checkpoints = new Map<number, Checkpoint>();
    const frozen = await runTinyTraining({
      model,
      optimizer: new SgdOptimizer(headOnly(model), TINY_RUN.sgd),
      checkpointEvery: 3,
      onEvent: (e) => {
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    const after = byName(frozen.model);
    expect(after.get('conv.weight')).toEqual(before.get('conv.weight'));
    expect(after.get('conv.bias')).toEqual(before.get('conv.bias'));
    expect(after.get('fc.weight')).not.toEqual(before.get('fc.weight'));
    const losses = lossesByStep(frozen.events);
    expect(losses.get(12)).toBeLessThan(losses.get(1) as number);

    const resumedModel = new TinyClassifier(99);
    const restored = restoreCheckpoint(checkpoints.get(6) as Checkpoint, resumedModel, {
      parameters: headOnly(resumedModel),
    });
    expect(restored.optimizer.parameterNames).toEqual(['fc.weight', 'fc.bias']);
    const resumed = await runTinyTraining({
      model: resumedModel,
      optimizer: restored.optimizer,
      start: restored.state,
    });
    expect(byName(resumed.model)).toEqual(after);
    resumed.dispose();
    frozen.dispose();
  });

  it('refuses an optimizer over parameters the model does not have', async () => {
    const model = new TinyClassifier(1);
    const other = new TinyClassifier(1, 3, { withConv: false });
    const stray = {
      name: 'head.weight',
      variable: (other.parameters[0] as { variable: tf.Variable }).variable,
    };
    const optimizer = new SgdOptimizer([stray], { lr: 0.1 });
    await expect(
      train({ model, optimizer, trainData: tinySources().trainData, epochs: 1 }),
    ).rejects.toThrow(
      'train: the optimizer updates head.weight, which the model does not have; build the optimizer over model.parameters.',
    );
    optimizer.dispose();
    other.dispose();
    model.dispose();
  });

  it('rejects bad options, quoting the value', async () => {
    const model = new TinyClassifier(1);
    const optimizer = new SgdOptimizer(model.parameters, { lr: 0.1 });
    const { trainData } = tinySources();
    await expect(train({ model, optimizer, trainData, epochs: 0 })).rejects.toThrow(
      /epochs must be an integer >= 1, got 0/,
    );
    await expect(
      train({ model, optimizer, trainData, epochs: 1, reportEvery: 1.5 }),
    ).rejects.toThrow(/reportEvery must be an integer >= 1, got 1.5/);
    const empty = { batchesPerEpoch: 0, imagesPerEpoch: 0, batches: trainData.batches };
    await expect(train({ model, optimizer, trainData: empty, epochs: 1 })).rejects.toThrow(
      /trainData has no batch in an epoch \(0 images per epoch\)/,
    );
    optimizer.dispose();
    model.dispose();
  });

  it('runs its TSDoc example', async () => {
    const model = new TinyClassifier(1);
    const { trainData, testData } = tinySources();
    const printed: string[] = [];
    const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
    const result = await train({
      model,
      optimizer,
      trainData,
      testData,
      epochs: 2,
      reportEvery: 2,
      onEvent: (event) => {
        if (event.type === 'report') printed.push(event.text);
      },
    });
    expect(result.state.step).toBe(8);
    expect(printed).toHaveLength(4);
    optimizer.dispose();
    model.dispose();
  });
});

describe.each(TEST_BACKENDS)('train with a dense-only model (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  const denseModel = (seed: number) => new TinyClassifier(seed, 3, { withConv: false });

  it('is deterministic and resumes bit-exactly on this backend', async () => {
    const checkpoints = new Map<number, Checkpoint>();
    const reference = await runTinyTraining({
      model: denseModel(1),
      checkpointEvery: 5,
      onEvent: (e) => {
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    const again = await runTinyTraining({ model: denseModel(1) });
    expect([...lossesByStep(again.events)]).toEqual([...lossesByStep(reference.events)]);
    again.dispose();

    const model = denseModel(8);
    const restored = restoreCheckpoint(checkpoints.get(5) as Checkpoint, model);
    const resumed = await runTinyTraining({
      model,
      optimizer: restored.optimizer,
      start: restored.state,
    });
    expect(resumed.model.weightValues()).toEqual(reference.model.weightValues());
    expect(resumed.result.state).toEqual(reference.result.state);
    resumed.dispose();
    reference.dispose();
  });

  it('skips the NaN update without a read-back in between', async () => {
    const images = makeImages(12, 10);
    images.pixels[5 * 32] = Number.NaN;
    const model = denseModel(1);
    const optimizer = new SgdOptimizer(model.parameters, TINY_RUN.sgd);
    const trainData = new MemoryBatchSource(images, 2, undefined);
    const error = await train({ model, optimizer, trainData, epochs: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error.state.step).toBe(2);
    expect(model.weightValues().every(Number.isFinite)).toBe(true);
    optimizer.dispose();
    model.dispose();
  });
});
