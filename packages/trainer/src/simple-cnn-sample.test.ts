import { createHash } from 'node:crypto';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { BatchSource, Checkpoint, TrainingEvent } from '@cnnkit/contracts';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { train } from './train.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// The packages composed as the CLI composes them: the embedded sample read by @cnnkit/datasets,
// @cnnkit/models' SimpleCNN, this package's loop. Small limits: the cpu backend is slow.
// sha256 of the weights this test's run gives, recorded at 62ff990 (before the fast recipe).
const TUTORIAL_SHA256 = '51ddb3339a76d9fc0b04ff1d558118f43a92f930052fa608ac48111e1c715218';

describe('SimpleCNN on the embedded CIFAR-10 sample', () => {
  it('trains two epochs like the tutorial, evaluates, and resumes bit-exactly mid-epoch', async () => {
    const data = await openCifar10(cifar10SamplePath());
    const loaders = () => ({
      trainData: new DataLoader(data.train, {
        batchSize: 4,
        shuffle: true,
        seed: 0,
        limit: 16,
        transform: tutorialTransform(),
      }) satisfies BatchSource,
      testData: new DataLoader(data.test, {
        batchSize: 10,
        limit: 10,
        transform: tutorialTransform(),
      }),
    });
    const sgd = { lr: 0.001, momentum: 0.9 };
    const model = SimpleCNN.create({ seed: 0 });
    const optimizer = new SgdOptimizer(model.parameters, sgd);
    const events: TrainingEvent[] = [];
    const checkpoints = new Map<number, Checkpoint>();
    const reference = await train({
      ...loaders(),
      model,
      optimizer,
      epochs: 2,
      reportEvery: 2,
      checkpointEvery: 3,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    expect(reference.state.step).toBe(8);
    // The tutorial recipe's weights, byte for byte as before the fast recipe's pieces landed
    // (training-mode logits, parameter groups, schedules): none of them may change this path.
    expect(createHash('sha256').update(model.saveWeights()).digest('hex')).toBe(TUTORIAL_SHA256);
    const losses = events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));
    expect(losses).toHaveLength(8);
    // Ten classes at initialisation: the loss starts near ln 10.
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses[0]).toBeLessThan(2.6);
    expect(losses.every(Number.isFinite)).toBe(true);
    const [first, second] = reference.state.history;
    expect(first?.test?.count).toBe(10);
    expect(second?.test?.count).toBe(10);
    expect(first?.test?.perClassAccuracy).toHaveLength(10);

    // Resume from step 3 (mid-epoch 1) into a differently initialised model.
    const fresh = SimpleCNN.create({ seed: 1 });
    const restored = restoreCheckpoint(checkpoints.get(3) as Checkpoint, fresh);
    const resumed = await train({
      ...loaders(),
      model: fresh,
      optimizer: restored.optimizer,
      start: restored.state,
      epochs: 2,
      reportEvery: 2,
    });
    expect(resumed.state).toEqual(reference.state);
    expect(fresh.saveWeights()).toEqual(model.saveWeights());
    expect(
      createCheckpoint({ model: fresh, optimizer: restored.optimizer, state: resumed.state })
        .weights,
    ).toEqual(model.saveWeights());
    for (const m of [model, fresh]) m.dispose();
    for (const o of [optimizer, restored.optimizer]) o.dispose();
  }, 180_000); // the cpu backend trains ~20 images/s, much less on a loaded CI machine
});
