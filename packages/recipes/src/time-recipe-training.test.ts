// tfjs-core first: @cnnkit/tfjs-gradients loads tfjs-core's per-file modules, which must
// find the engine the package's own entry created.
import * as tf from '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { ImageDataset } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { recipeSettings } from './recipe-settings.js';
import { timeRecipeTraining } from './time-recipe-training.js';

const data = await openCifar10(cifar10SamplePath());

/** The sample's first `count` training images. */
function firstImages(count: number): ImageDataset {
  const { train } = data;
  const bytes = train.height * train.width * train.channels;
  return {
    ...train,
    images: train.images.subarray(0, count * bytes),
    labels: train.labels.subarray(0, count),
    count,
  };
}

// wasm with cnnkit's training kernels, as the CLI trains.
beforeAll(async () => {
  await startWasmTraining();
});

// Small widths and batches: these tests check what is counted, never how fast it runs.
const fast = recipeSettings('fast', { widths: [8, 16, 16], batchSize: 8 });

describe('timeRecipeTraining', () => {
  it('times 3 steps after the warm-up when no time is asked for, and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const startedAt = performance.now();
    const timing = await timeRecipeTraining(fast, data.train, { warmupSteps: 2, seconds: 0 });
    const wall = (performance.now() - startedAt) / 1000;
    expect(timing.batchSize).toBe(8);
    expect(timing.steps).toBe(3);
    expect(timing.seconds).toBeGreaterThan(0);
    // Set-up and warm-up are outside the clock.
    expect(timing.seconds).toBeLessThan(wall);
    expect(timing.imagesPerSecond).toBeCloseTo((3 * 8) / timing.seconds, 6);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('counts the same timed steps whatever the warm-up: warm-up steps are not timed', async () => {
    const before = tf.memory().numTensors;
    const short = await timeRecipeTraining(fast, data.train, { warmupSteps: 1, seconds: 0 });
    const long = await timeRecipeTraining(fast, data.train, { warmupSteps: 6, seconds: 0 });
    expect(short.steps).toBe(3);
    expect(long.steps).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('trains across epochs until the time is up', async () => {
    // 8 images: one batch of 8 an epoch, so every timed step is an epoch of its own; how many
    // fit in 0.3 s depends on the machine, but never fewer than 3.
    const few = firstImages(8);
    const timing = await timeRecipeTraining(fast, few, { warmupSteps: 1, seconds: 0.3 });
    expect(timing.seconds).toBeGreaterThanOrEqual(0.3);
    expect(timing.steps).toBeGreaterThanOrEqual(3);
    expect(timing.imagesPerSecond).toBeCloseTo((8 * timing.steps) / timing.seconds, 6);
  }, 60_000);

  it('times the tutorial recipe on SimpleCNN, counting the images of a smaller last batch', async () => {
    const before = tf.memory().numTensors;
    // 10 images in batches of 4: 4, 4 and 2 per epoch; steps 2, 3 and 4 are timed (4 + 2 + 4).
    const few = firstImages(10);
    const settings = recipeSettings('tutorial', { batchSize: 4 });
    const timing = await timeRecipeTraining(settings, few, { warmupSteps: 1, seconds: 0 });
    expect(timing.steps).toBe(3);
    expect(timing.imagesPerSecond).toBeCloseTo(10 / timing.seconds, 6);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses a warm-up of no steps, a negative time and a batch larger than the data', async () => {
    await expect(
      timeRecipeTraining(fast, data.train, { warmupSteps: 0, seconds: 1 }),
    ).rejects.toThrow('warmupSteps must be a whole number >= 1, got 0');
    await expect(
      timeRecipeTraining(fast, data.train, { warmupSteps: 1, seconds: -1 }),
    ).rejects.toThrow('seconds must be a number >= 0, got -1');
    const before = tf.memory().numTensors;
    await expect(
      timeRecipeTraining(
        recipeSettings('fast', { widths: [8, 16, 16], batchSize: 4096 }),
        data.train,
        {
          warmupSteps: 1,
          seconds: 0,
        },
      ),
    ).rejects.toThrow('batch size 4,096 is more than the 2,000 training images');
    expect(tf.memory().numTensors).toBe(before);
  });
});
