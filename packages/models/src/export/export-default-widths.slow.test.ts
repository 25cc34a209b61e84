import { rmSync } from 'node:fs';
import type { TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirbenchNet } from '../airbench-net.js';
import { createModel, type ModelName } from '../model-registry.js';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff } from '../test-support/compare.js';
import {
  accuracy,
  type LabelledImages,
  modelLogits,
  sampleImages,
  toNchw,
} from '../test-support/export-acceptance.js';
import {
  graphModelScores,
  loadGraphModelFromDirectory,
  onnxRuntimeScores,
  writeExport,
} from '../test-support/runtimes.js';
import { exportOnnx } from './onnx-export.js';
import { exportTfjs } from './tfjs-export.js';

// The CI test (export-acceptance.test.ts) runs narrow nets; this one the registry's defaults:
// airbench93 (569,656 parameters) and ResNet-9 (6.6 M), with whitening and running statistics
// from the sample's training images (not trained: a training run at these widths takes minutes).
/** ResNet-9 classifies the 1,000 images three times, 379 G multiply-adds each. */
const LONG = 900_000;

describe.each(['airbench', 'resnet9'] as const)('%s at its default widths', (name: ModelName) => {
  let model: TrainableClassifier;
  let test: LabelledImages;
  let reference: Float32Array;

  beforeAll(async () => {
    await useBackend('wasm');
    const images = await sampleImages();
    test = images.test;
    model = createModel(name, { seed: 0 });
    tf.tidy(() => {
      for (let start = 0; start < 400; start += 100) {
        const batch = tf.tensor4d(
          images.train.nhwc.subarray(start * 3072, (start + 100) * 3072),
          [100, 32, 32, 3],
        );
        if (start === 0 && model instanceof AirbenchNet) model.initWhitening(batch);
        model.logits(batch, { training: true });
      }
    });
    reference = modelLogits(model, test);
  }, LONG);
  afterAll(() => model?.dispose());

  it(
    'ONNX in onnxruntime-node and the TF.js graph model give cnnkit’s logits within 1e-4',
    async () => {
      const onnx = await onnxRuntimeScores(
        await exportOnnx(model),
        toNchw(test.nhwc, test.count),
        test.count,
      );
      const dir = writeExport(await exportTfjs(model));
      const graphModel = await loadGraphModelFromDirectory(dir);
      const tfjs = graphModelScores(graphModel, test.nhwc, test.count, 10);
      graphModel.dispose();
      rmSync(dir, { recursive: true, force: true });
      const expected = accuracy(reference, test.labels, 10);
      console.log(
        `${name} (default widths): onnxruntime-node max |Δlogit| ${maxAbsDiff(onnx, reference).toExponential(2)}, tfjs-converter (wasm) ${maxAbsDiff(tfjs, reference).toExponential(2)}, accuracy ${(100 * expected).toFixed(1)} %`,
      );
      expect(maxAbsDiff(onnx, reference)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(tfjs, reference)).toBeLessThanOrEqual(1e-4);
      expect(accuracy(onnx, test.labels, 10)).toBe(expected);
      expect(accuracy(tfjs, test.labels, 10)).toBe(expected);
    },
    LONG,
  );
});
