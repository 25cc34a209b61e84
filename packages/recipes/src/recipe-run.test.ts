// tfjs-core first: @cnnkit/tfjs-gradients loads tfjs-core's per-file modules, which must
// find the engine the package's own entry created.
import * as tf from '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import type { AirbenchNet } from '@cnnkit/models';
import { Rng } from '@cnnkit/random';
import { train } from '@cnnkit/trainer';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecipeModel } from './recipe-model.js';
import { recipeLoaders, startRecipeRun } from './recipe-run.js';
import { RECIPES, recipeSettings } from './recipe-settings.js';
import { evalTransformFor } from './recipe-transforms.js';
import { trainingMethodFor } from './training-method-for.js';

const data = await openCifar10(cifar10SamplePath());

// wasm with cnnkit's training kernels, as the CLI trains: tfjs-backend-cpu's convolution
// gradients take seconds per step even for a small net.
beforeAll(async () => {
  await startWasmTraining();
});

describe('startRecipeRun', () => {
  it('trains a few steps of the fast recipe: whitening from data, every piece wired', async () => {
    const before = tf.memory().numTensors;
    const settings = recipeSettings('fast', {
      widths: [8, 16, 16],
      epochs: 2,
      batchSize: 8,
      whiteningImages: 64,
    });
    const run = await startRecipeRun(settings, {
      train: data.train,
      test: data.test,
      seed: 0,
      limit: 36,
      testLimit: 20,
      evalBatchSize: 10,
    });
    // Drop-last: 36 images make 4 batches of 8.
    expect(run.trainData.batchesPerEpoch).toBe(4);
    expect(run.method).toEqual({
      loss: { labelSmoothing: 0.2, reduction: 'sum' },
      lrSchedule: RECIPES.fast.lrSchedule,
      lookahead: RECIPES.fast.lookahead,
      trainedForEpochs: { 'whiten.bias': 3 },
      testTimeAugmentation: 'mirror-translate',
    });
    expect(run.averaging).toBeDefined();
    expect(run.optimizer.config.groups).toHaveLength(1);
    // The whitening filters come from the data, not from the initialisation.
    const fresh = createRecipeModel(settings, { seed: 0 }) as AirbenchNet;
    const whiten = (m: AirbenchNet) => Array.from(m.whiten.weight.variable.dataSync());
    expect(whiten(run.model as AirbenchNet)).not.toEqual(whiten(fresh));
    fresh.dispose();

    const losses: number[] = [];
    const result = await train({
      ...run,
      epochs: settings.epochs,
      onEvent: (e) => {
        if (e.type === 'batch-end') losses.push(e.loss);
      },
    });
    expect(result.state.step).toBe(8);
    expect(losses.every(Number.isFinite)).toBe(true);
    // A summed loss of 8 images over 10 classes starts near 8 · ln 10 ≈ 18.4.
    expect(losses[0]).toBeGreaterThan(12);
    expect(losses[0]).toBeLessThan(25);
    expect(result.state.history.at(-1)?.test?.count).toBe(20);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('sets up the tutorial as the CLI always has: SimpleCNN, plain SGD, plain method', async () => {
    const run = await startRecipeRun(RECIPES.tutorial, {
      train: data.train,
      test: data.test,
      seed: 0,
    });
    expect(run.method).toEqual({});
    expect(run.averaging).toBeUndefined();
    expect(run.optimizer.config).toEqual({
      lr: 0.001,
      momentum: 0.9,
      weightDecay: 0,
      nesterov: false,
    });
    expect(run.trainData.batchesPerEpoch).toBe(500);
    expect(run.model.parameters.map((p) => p.name)[0]).toBe('conv1.weight');
    run.dispose();
  });

  it('fine-tunes from trained weights: features loaded, head fresh for other classes, frozen features stay', async () => {
    const before = tf.memory().numTensors;
    const settings = recipeSettings('fast', {
      widths: [8, 16, 16],
      epochs: 1,
      batchSize: 8,
      // Without it the run ends on the lookahead average, which 2 steps leave at the start.
      lookahead: null,
    });
    const source = createRecipeModel(settings, { seed: 7 }) as AirbenchNet;
    // Three classes: the 10-class head of the file cannot fit and starts from the seed.
    const threeClasses = (set: typeof data.train) => ({
      ...set,
      classNames: ['airplane', 'automobile', 'bird'],
      labels: set.labels.map((l) => l % 3),
    });
    const run = await startRecipeRun(
      settings,
      {
        train: threeClasses(data.train),
        test: threeClasses(data.test),
        seed: 0,
        limit: 16,
        testLimit: 8,
      },
      { bytes: source.saveWeights(), freezeFeatures: true, source: 'source.safetensors' },
    );
    const net = run.model as AirbenchNet;
    const values = (m: AirbenchNet, name: string) =>
      Array.from(m.parameters.find((p) => p.name === name)?.variable.dataSync() ?? []);
    // Loaded, not whitened from the data: the file's whitening filters.
    expect(values(net, 'whiten.weight')).toEqual(values(source, 'whiten.weight'));
    expect(run.reinitialised.map((t) => [t.name, t.fileShape, t.modelShape])).toEqual([
      ['head.weight', [10, 16], [3, 16]],
    ]);
    expect(run.trained.map((p) => p.name)).toEqual(['head.weight']);
    const headBefore = values(net, 'head.weight');
    await train({ ...run, epochs: 1 });
    expect(values(net, 'head.weight')).not.toEqual(headBefore);
    for (const name of ['whiten.bias', 'layers.0.conv1.weight', 'layers.2.conv2.weight']) {
      expect(values(net, name)).toEqual(values(source, name));
    }
    run.dispose();
    source.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses weights of another architecture, naming each misfit, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const other = createRecipeModel(recipeSettings('fast', { widths: [8, 16, 32] }), { seed: 0 });
    await expect(
      startRecipeRun(
        recipeSettings('fast', { widths: [8, 16, 16] }),
        { train: data.train, test: data.test, seed: 0 },
        { bytes: other.saveWeights(), source: 'wide.safetensors' },
      ),
    ).rejects.toThrow(
      /do not fit airbench[\s\S]*layers\.2\.conv1\.weight: expected shape \[16, 16, 3, 3\], found \[32, 16, 3, 3\]/,
    );
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a fast batch larger than the training images (an epoch would train on nothing), and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const settings = recipeSettings('fast', { widths: [8, 16, 16], batchSize: 40 });
    const options = { train: data.train, test: data.test, seed: 0, limit: 36 };
    const refusal =
      'batch size 40 is more than the 36 training images, and the fast recipe drops an incomplete last batch: choose a batch size of at most 36.';
    expect(() => recipeLoaders(settings, options)).toThrow(refusal);
    await expect(startRecipeRun(settings, options)).rejects.toThrow(refusal);
    expect(tf.memory().numTensors).toBe(before);
    // The tutorial keeps its smaller last batch, so any batch size trains.
    const tutorial = recipeLoaders({ ...RECIPES.tutorial, batchSize: 40 }, options);
    expect(tutorial.trainData.batchesPerEpoch).toBe(1);
    // Exactly the training images is one full batch.
    expect(recipeLoaders({ ...settings, batchSize: 36 }, options).trainData.batchesPerEpoch).toBe(
      1,
    );
  });

  it('leaves out the whitening freeze for a model without a whitening layer', () => {
    const model = createRecipeModel(recipeSettings('fast', { model: 'resnet9' }), { seed: 0 });
    expect(trainingMethodFor(RECIPES.fast, model).trainedForEpochs).toBeUndefined();
    model.dispose();
  });

  it("normalises the tutorial's images as tutorialTransform and the fast recipe's with CIFAR-10's statistics", () => {
    const bytes = {
      pixels: Uint8Array.of(0, 255, 128),
      labels: Int32Array.of(0),
      size: 1,
      height: 1,
      width: 1,
      channels: 3,
    };
    const tutorial = evalTransformFor(RECIPES.tutorial)(bytes, new Rng(0));
    expect(Array.from(tutorial.pixels)).toEqual(
      Array.from(tutorialTransform()(bytes, new Rng(0)).pixels),
    );
    const fast = evalTransformFor(RECIPES.fast)(bytes, new Rng(0));
    expect(fast.pixels[0]).toBeCloseTo(-0.4914 / 0.247, 5);
    expect(fast.pixels[1]).toBeCloseTo((1 - 0.4822) / 0.2435, 5);
  });
});
