import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restoreCheckpoint } from './checkpoint.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { train } from './train.js';
import type { Checkpoint, TrainingEvent } from './types.js';

let tensorsBefore = 0;
beforeAll(async () => {
  await useBackend('cpu');
});
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('SimpleCNN on the embedded CIFAR-10 sample', () => {
  it('trains a few batches like the tutorial and resumes bit-exactly', async () => {
    const data = await openCifar10(cifar10SamplePath());
    const trainData = () =>
      new DataLoader(data.train, {
        batchSize: 4,
        shuffle: true,
        seed: 0,
        limit: 24,
        transform: tutorialTransform(),
      });
    const sgd = { lr: 0.001, momentum: 0.9 };
    const model = SimpleCNN.create({ seed: 0 });
    const optimizer = new SgdOptimizer(model.parameters, sgd);
    const events: TrainingEvent[] = [];
    const checkpoints = new Map<number, Checkpoint>();
    const reference = await train({
      model,
      optimizer,
      trainData: trainData(),
      epochs: 1,
      reportEvery: 2,
      checkpointEvery: 3,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    expect(reference.state.step).toBe(6);
    const losses = events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));
    // Ten classes at initialisation: the loss starts near ln 10.
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses[0]).toBeLessThan(2.6);
    expect(losses.every(Number.isFinite)).toBe(true);

    const fresh = SimpleCNN.create({ seed: 1 });
    const restored = restoreCheckpoint(checkpoints.get(3) as Checkpoint, fresh);
    const resumed = await train({
      model: fresh,
      optimizer: restored.optimizer,
      trainData: trainData(),
      epochs: 1,
      reportEvery: 2,
      start: restored.state,
    });
    expect(resumed.state).toEqual(reference.state);
    expect(fresh.saveWeights()).toEqual(model.saveWeights());
    for (const m of [model, fresh]) m.dispose();
    for (const o of [optimizer, restored.optimizer]) o.dispose();
  });
});
