import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { type Checkpoint, fusedSgdKernel, type TrainingEvent } from '@cnnkit/contracts';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import { restoreCheckpoint, SgdOptimizer, train } from '@cnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend, useWasmWithTrainingKernels } from './test-support/compare-backends.js';

// The packages composed as the CLI composes them, on wasm with these kernels: the embedded
// sample, SimpleCNN, @cnnkit/trainer's loop and SGD (which takes the fused kernel here).
async function run(options: {
  checkpointEvery?: number;
  start?: Checkpoint;
  seed?: number;
  epochs?: number;
}) {
  const data = await openCifar10(cifar10SamplePath());
  const trainData = new DataLoader(data.train, {
    batchSize: 4,
    shuffle: true,
    seed: 0,
    limit: 40,
    transform: tutorialTransform(),
  });
  const model = SimpleCNN.create({ seed: options.seed ?? 0 });
  const restored = options.start ? restoreCheckpoint(options.start, model) : undefined;
  const optimizer =
    restored?.optimizer ?? new SgdOptimizer(model.parameters, { lr: 0.01, momentum: 0.9 });
  const checkpoints = new Map<number, Checkpoint>();
  const losses: number[] = [];
  const result = await train({
    model,
    optimizer,
    trainData,
    epochs: options.epochs ?? 2,
    checkpointAtEpochEnd: false,
    ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(restored ? { start: restored.state } : {}),
    onEvent: (event: TrainingEvent) => {
      if (event.type === 'checkpoint') checkpoints.set(event.step, event.checkpoint);
      if (event.type === 'batch-end') losses.push(event.loss);
    },
  });
  const weights = model.saveWeights();
  model.dispose();
  optimizer.dispose();
  return { result, weights, checkpoints, losses };
}

describe('SimpleCNN training with @cnnkit/trainer on wasm with these kernels', () => {
  it('uses the fused SGD step, resumes bit-exactly mid-epoch, and stays close to cpu', async () => {
    await useWasmWithTrainingKernels();
    const profile = await tf.profile(async () => {
      await run({ epochs: 1 });
    });
    expect(profile.kernelNames).toContain(fusedSgdKernel.kernelName);
    expect(profile.kernelNames).not.toContain('Select');

    const reference = await run({ checkpointEvery: 7 });
    expect(reference.result.state.step).toBe(20);
    expect(reference.losses.every(Number.isFinite)).toBe(true);
    const resumed = await run({ start: reference.checkpoints.get(7), seed: 1 });
    expect(resumed.result.state).toEqual(reference.result.state);
    expect(resumed.weights).toEqual(reference.weights);

    await useBackend('cpu');
    const cpu = await run({ epochs: 1 });
    await useBackend('wasm');
    // Ten SGD steps from the same start: rounding differences only.
    expect(cpu.losses).toHaveLength(10);
    let worst = 0;
    cpu.losses.forEach((loss, i) => {
      worst = Math.max(worst, Math.abs(loss - (reference.losses[i] as number)));
    });
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});
