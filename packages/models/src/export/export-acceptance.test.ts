import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../model-registry.js';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff } from '../test-support/compare.js';
import {
  accuracy,
  CI_MODELS,
  type LabelledImages,
  modelLogits,
  predictions,
  sampleImages,
  toNchw,
  trainedModel,
} from '../test-support/export-acceptance.js';
import {
  graphModelScores,
  loadGraphModelFromDirectory,
  onnxRuntimeScores,
  pythonHas,
  runPytorchScript,
  writeExport,
} from '../test-support/runtimes.js';
import { exportOnnx } from './onnx-export.js';
import { weightsFromOnnx } from './onnx-import.js';
import { exportTfjs } from './tfjs-export.js';

/** The acceptance bound: exported logits within 1e-4 of cnnkit's, every image. */
const TOLERANCE = 1e-4;
const onnxCheckerAvailable = pythonHas('onnx');

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  return tf.tidy(
    () =>
      tf
        .softmax(tf.tensor2d(logits, [logits.length / classes, classes]))
        .dataSync() as Float32Array,
  );
}

/**
 * For each model (CI widths; default widths in export-default-widths.slow.test.ts): train it
 * briefly on the embedded sample (wasm backend with cnnkit's kernels), export it, run the file
 * in the runtime that loads it on 1,000 test images, and compare with cnnkit's own logits.
 */
describe.each(CI_MODELS)('$name, exported and run outside cnnkit', ({ name, options }) => {
  let model: TrainableClassifier;
  let test: LabelledImages;
  let nchw: Float32Array;
  let reference: Float32Array;
  let referenceAccuracy = 0;
  let classes = 0;
  let tensorsBefore = 0;

  beforeAll(async () => {
    await useBackend('wasm');
    ({ test } = await sampleImages());
    nchw = toNchw(test.nhwc, test.count);
    model = await trainedModel(name, options);
    classes = model.numClasses;
    reference = modelLogits(model, test);
    referenceAccuracy = accuracy(reference, test.labels, classes);
    console.log(
      `${name}: cnnkit (tfjs wasm) accuracy on the 1,000 images ${(100 * referenceAccuracy).toFixed(1)} %`,
    );
  });
  afterAll(() => model?.dispose());
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
  const track = () => {
    tensorsBefore = tf.memory().numTensors;
  };

  it('ONNX in onnxruntime-node: logits within 1e-4 of cnnkit, same accuracy', async () => {
    track();
    const logits = await onnxRuntimeScores(await exportOnnx(model), nchw, test.count);
    const diff = maxAbsDiff(logits, reference);
    const agree = predictions(logits, classes).filter(
      (p, i) => p === predictions(reference, classes)[i],
    ).length;
    console.log(
      `${name}: onnxruntime-node max |Δlogit| ${diff.toExponential(2)}, top-1 agrees on ${agree} / ${test.count}`,
    );
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
    expect(accuracy(logits, test.labels, classes)).toBe(referenceAccuracy);
  });

  it('ONNX with softmax: probabilities are the softmax of cnnkit’s logits', async () => {
    track();
    const onnx = await exportOnnx(model, { softmax: true });
    const probabilities = await onnxRuntimeScores(onnx, nchw, test.count, 'probabilities');
    const expected = softmaxRows(reference, classes);
    expect(maxAbsDiff(probabilities, expected)).toBeLessThanOrEqual(1e-5);
    expect(accuracy(probabilities, test.labels, classes)).toBe(referenceAccuracy);
  });

  // All 1,000 images on wasm; the cpu backend (tfjs's reference, but slow) classifies 100.
  for (const [backend, count] of [
    ['wasm', 1000],
    ['cpu', 100],
  ] as const) {
    it(`TF.js graph model in tfjs-converter (${backend}, ${count} images): logits within 1e-4`, async () => {
      track();
      await useBackend(backend);
      try {
        const dir = writeExport(await exportTfjs(model));
        const graphModel = await loadGraphModelFromDirectory(dir);
        const logits = graphModelScores(
          graphModel,
          test.nhwc.subarray(0, count * 3072),
          count,
          classes,
        );
        graphModel.dispose();
        rmSync(dir, { recursive: true, force: true });
        const expected = reference.subarray(0, count * classes);
        const diff = maxAbsDiff(logits, expected);
        console.log(`${name}: tfjs-converter on ${backend} max |Δlogit| ${diff.toExponential(2)}`);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
        const labels = test.labels.subarray(0, count);
        expect(accuracy(logits, labels, classes)).toBe(accuracy(expected, labels, classes));
      } finally {
        await useBackend('wasm');
      }
    });
  }

  it('TF.js with softmax: output `probabilities`, metadata says so', async () => {
    track();
    const dir = writeExport(
      await exportTfjs(model, { softmax: true, classNames: test.classNames }),
    );
    const graphModel = await loadGraphModelFromDirectory(dir);
    expect(graphModel.outputNodes).toEqual(['probabilities']);
    expect(graphModel.metadata).toMatchObject({
      output: 'probabilities',
      preprocessing: { layout: 'NHWC', height: 32, width: 32, mean: [0.5, 0.5, 0.5] },
      'cnnkit.classes': test.classNames,
    });
    const probabilities = graphModelScores(
      graphModel,
      test.nhwc.subarray(0, 100 * 3072),
      100,
      classes,
    );
    graphModel.dispose();
    rmSync(dir, { recursive: true, force: true });
    expect(
      maxAbsDiff(probabilities, softmaxRows(reference.subarray(0, 100 * classes), classes)),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('weightsFromOnnx gives back the same weights file (parameters, statistics, counts)', async () => {
    track();
    const copy = createModel(name, { seed: 99, ...options });
    copy.loadWeights(await weightsFromOnnx(await exportOnnx(model)));
    expect(copy.saveWeights()).toEqual(model.saveWeights());
    copy.dispose();
  });

  it.skipIf(!onnxCheckerAvailable)(
    'passes onnx.checker.check_model(full_check=True) (python3-onnx 1.12), with and without softmax',
    async () => {
      track();
      const dir = writeExport([
        { name: 'logits.onnx', bytes: await exportOnnx(model, { classNames: test.classNames }) },
        { name: 'softmax.onnx', bytes: await exportOnnx(model, { softmax: true }) },
      ]);
      const lines = runPytorchScript('check_onnx.py', [
        join(dir, 'logits.onnx'),
        join(dir, 'softmax.onnx'),
      ])
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { opset: number; metadata: Record<string, string> });
      rmSync(dir, { recursive: true, force: true });
      expect(lines.map((l) => l.opset)).toEqual([17, 17]);
      expect(JSON.parse(lines[0]?.metadata['cnnkit.classes'] ?? '[]')).toEqual(test.classNames);
      expect(lines[1]?.metadata.output).toBe('probabilities');
    },
  );
});
