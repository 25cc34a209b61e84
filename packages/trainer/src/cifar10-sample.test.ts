import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { train } from './train.js';
import type { BatchSource, Checkpoint, NamedParameter, TrainableClassifier } from './types.js';

/** nn.Linear(3072, 10) over flattened CIFAR images: small, but real data end to end. */
function linearCifarClassifier(seed: number): TrainableClassifier & { values(): number[] } {
  const weight = tf.tidy(() =>
    tf.variable(tf.randomUniform([3072, 10], -0.02, 0.02, 'float32', seed)),
  );
  const bias = tf.tidy(() => tf.variable(tf.zeros([10])));
  const parameters: NamedParameter[] = [
    { name: 'fc.weight', variable: weight },
    { name: 'fc.bias', variable: bias },
  ];
  return {
    numClasses: 10,
    parameters,
    logits: (images) =>
      tf.tidy(() => tf.add(tf.matMul(tf.reshape(images, [images.shape[0], 3072]), weight), bias)),
    saveWeights: () =>
      encodeSafetensors({
        'fc.weight': { dtype: 'F32', shape: weight.shape, data: weight.dataSync() as Float32Array },
        'fc.bias': { dtype: 'F32', shape: bias.shape, data: bias.dataSync() as Float32Array },
      }),
    loadWeights: (bytes) => {
      const { tensors } = decodeSafetensors(bytes);
      for (const { name, variable } of parameters) {
        const stored = tensors.get(name);
        if (!stored) throw new Error(`no ${name}`);
        tf.tidy(() => variable.assign(tf.tensor(tensorToFloat32(stored), variable.shape)));
      }
    },
    values: () => [...weight.dataSync(), ...bias.dataSync()],
    dispose: () => tf.dispose([weight, bias]),
  };
}

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

describe('training on the embedded CIFAR-10 sample through @cnnkit/datasets', () => {
  it('trains from a DataLoader and resumes bit-exactly mid-epoch', async () => {
    const data = await openCifar10(cifar10SamplePath());
    const loaders = () => ({
      trainData: new DataLoader(data.train, {
        batchSize: 8,
        shuffle: true,
        seed: 3,
        limit: 64,
        transform: tutorialTransform(),
      }) satisfies BatchSource,
      testData: new DataLoader(data.test, {
        batchSize: 50,
        limit: 100,
        transform: tutorialTransform(),
      }),
    });
    const sgd = { lr: 0.001, momentum: 0.9 };

    const checkpoints = new Map<number, Checkpoint>();
    const model = linearCifarClassifier(1);
    const optimizer = new SgdOptimizer(model.parameters, sgd);
    const reference = await train({
      ...loaders(),
      model,
      optimizer,
      epochs: 2,
      reportEvery: 4,
      checkpointEvery: 5,
      onEvent: (e) => {
        if (e.type === 'checkpoint') checkpoints.set(e.step, e.checkpoint);
      },
    });
    expect(reference.state.step).toBe(16);
    const [first, second] = reference.state.history;
    expect(first?.test?.count).toBe(100);
    expect(Number.isFinite(first?.trainLoss)).toBe(true);
    expect(second?.trainLoss).toBeLessThan(first?.trainLoss as number);

    const fresh = linearCifarClassifier(2);
    const restored = restoreCheckpoint(checkpoints.get(5) as Checkpoint, fresh);
    const resumed = await train({
      ...loaders(),
      model: fresh,
      optimizer: restored.optimizer,
      start: restored.state,
      epochs: 2,
      reportEvery: 4,
    });
    expect(fresh.values()).toEqual(model.values());
    expect(resumed.state).toEqual(reference.state);
    expect(
      createCheckpoint({ model: fresh, optimizer: restored.optimizer, state: resumed.state })
        .weights,
    ).toEqual(model.saveWeights());
    for (const m of [model, fresh]) m.dispose();
    for (const o of [optimizer, restored.optimizer]) o.dispose();
  });
});
