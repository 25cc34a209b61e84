import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TrainableClassifier } from '@cnnkit/contracts';
import { openCifar10 } from '@cnnkit/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff } from '../test-support/compare.js';
import {
  accuracy,
  CI_MODELS,
  type LabelledImages,
  modelLogits,
  predictions,
  toNchw,
  trainedModel,
} from '../test-support/export-acceptance.js';
import {
  graphModelScores,
  loadGraphModelFromDirectory,
  onnxRuntimeScores,
  writeExport,
} from '../test-support/runtimes.js';
import { exportOnnx } from './onnx-export.js';
import { exportTfjs } from './tfjs-export.js';

// The shared full data set sits next to the repository: <repo>/../shared/data/.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const archive = resolve(repoRoot, '..', 'shared', 'data', 'cifar-10-binary.tar.gz');

/** The acceptance bound: exported logits within 1e-4 of cnnkit's, every image. */
const TOLERANCE = 1e-4;
const COUNT = 1000;
const IMAGE = 32 * 32 * 3;

/**
 * The trained model each test exports: no trained weights of the registry's models are in the
 * repository, so (as in export-acceptance.test.ts) convolutions keep their seeded PyTorch
 * initialisation (airbench's whitening from the sample's images) and the fully connected layers
 * are trained for 3 epochs of the embedded sample (120 steps of 50 images) in seconds.
 * AirbenchNet and ResNet-9 run at the CI widths, which keeps the whole file under a minute.
 */
const WEIGHTS = 'convolutions seeded at random, fully connected layers trained 120 steps';

let official: LabelledImages;

describe.skipIf(!existsSync(archive))(
  'exports on the first 1,000 official CIFAR-10 test images (../shared/data)',
  () => {
    beforeAll(async () => {
      await useBackend('wasm');
      const { test } = await openCifar10(archive);
      official = {
        nhwc: Float32Array.from(test.images.subarray(0, COUNT * IMAGE), (v) => v / 127.5 - 1),
        labels: Int32Array.from(test.labels.subarray(0, COUNT)),
        count: COUNT,
        classNames: test.classNames,
      };
    }, 120_000);

    describe.each(CI_MODELS)('$name', ({ name, options }) => {
      let model: TrainableClassifier;
      let tensorsBefore = 0;
      beforeAll(async () => {
        model = await trainedModel(name, options);
        tensorsBefore = tf.memory().numTensors;
      }, 120_000);
      afterAll(() => model?.dispose());

      it(`${name} (${WEIGHTS}): onnxruntime-node and TF.js logits within 1e-4 of cnnkit, same top-1 for every image`, async () => {
        const classes = model.numClasses;
        const reference = modelLogits(model, official);
        const onnx = await onnxRuntimeScores(
          await exportOnnx(model, { classNames: official.classNames }),
          toNchw(official.nhwc, COUNT),
          COUNT,
        );
        const dir = writeExport(await exportTfjs(model, { classNames: official.classNames }));
        const graphModel = await loadGraphModelFromDirectory(dir);
        const tfjs = graphModelScores(graphModel, official.nhwc, COUNT, classes);
        graphModel.dispose();
        rmSync(dir, { recursive: true, force: true });

        const expected = accuracy(reference, official.labels, classes);
        console.log(
          `${name}: cnnkit (tfjs wasm) accuracy ${(100 * expected).toFixed(1)} % on the first 1,000 official test images; max |Δlogit| onnxruntime-node ${maxAbsDiff(onnx, reference).toExponential(2)}, TF.js graph model (wasm) ${maxAbsDiff(tfjs, reference).toExponential(2)}`,
        );
        // Above chance (10 %; measured 17–18 %): the compared logits are a classifier's, whose
        // top-1 is decided by its weights rather than by ties of a model that learned nothing.
        expect(expected).toBeGreaterThan(0.12);
        expect(maxAbsDiff(onnx, reference)).toBeLessThanOrEqual(TOLERANCE);
        expect(maxAbsDiff(tfjs, reference)).toBeLessThanOrEqual(TOLERANCE);
        const top1 = predictions(reference, classes);
        expect(predictions(onnx, classes)).toEqual(top1);
        expect(predictions(tfjs, classes)).toEqual(top1);
        expect(accuracy(onnx, official.labels, classes)).toBe(expected);
        expect(accuracy(tfjs, official.labels, classes)).toBe(expected);
        expect(tf.memory().numTensors).toBe(tensorsBefore);
      }, 120_000);
    });
  },
);
