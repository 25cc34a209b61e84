import { rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModel } from '../model-registry.js';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff, valuesOf } from '../test-support/compare.js';
import {
  graphModelScores,
  loadGraphModelFromDirectory,
  writeExport,
} from '../test-support/runtimes.js';
import { exportTfjs } from './tfjs-export.js';

interface ModelJson {
  format: string;
  modelTopology: { node: { name: string; op: string; input?: string[] }[] };
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string }[];
  }[];
  userDefinedMetadata: Record<string, unknown>;
}

const modelJsonOf = (files: { name: string; bytes: Uint8Array }[]) =>
  JSON.parse(new TextDecoder().decode(files[0]?.bytes)) as ModelJson;

let tensorsBefore = 0;
beforeEach(async () => {
  await useBackend('cpu');
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('exportTfjs', () => {
  it('writes a graph model: NHWC Placeholder `images`, the ops cnnkit calls, weights in tfjs layouts', async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    const files = await exportTfjs(model);
    model.dispose();
    expect(files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    const json = modelJsonOf(files);
    expect(json.format).toBe('graph-model');
    const ops = json.modelTopology.node.filter((n) => n.op !== 'Const').map((n) => n.op);
    expect(ops).toEqual([
      'Placeholder',
      'Conv2D',
      'AddV2',
      'Relu',
      'MaxPool',
      'Conv2D',
      'AddV2',
      'Relu',
      'MaxPool',
      'Reshape',
      'MatMul',
      'AddV2',
      'Relu',
      'MatMul',
      'AddV2',
      'Relu',
      'MatMul',
      'AddV2',
      'Identity',
    ]);
    const weights = json.weightsManifest[0]?.weights ?? [];
    expect(weights.find((w) => w.name === 'conv1.weight')?.shape).toEqual([5, 5, 3, 6]);
    expect(weights.find((w) => w.name === 'fc1.weight')?.shape).toEqual([400, 120]);
    expect(weights.find((w) => w.name === 'flatten.shape')).toEqual({
      name: 'flatten.shape',
      shape: [2],
      dtype: 'int32',
    });
    const bytes = weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(files[1]?.bytes.length).toBe(bytes);
  });

  it('shards weights at 4 MiB like tensorflowjs_converter, and the shards load back', async () => {
    await useBackend('wasm'); // ResNet-9 at full width: 379 M multiply-adds per image
    const model = createModel('resnet9', { seed: 0 });
    const files = await exportTfjs(model);
    const json = modelJsonOf(files);
    // 6,573,120 parameters + BatchNorm statistics: 26.3 MB in 7 shards.
    expect(json.weightsManifest[0]?.paths).toEqual(
      Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7.bin`),
    );
    expect(files.slice(1, -1).every((f) => f.bytes.length === 4 * 1024 * 1024)).toBe(true);
    const dir = writeExport(files);
    const graphModel = await loadGraphModelFromDirectory(dir);
    rmSync(dir, { recursive: true, force: true });
    const images = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const logits = model.logits(images);
    const scores = graphModelScores(graphModel, valuesOf(images), 2, 10);
    expect(maxAbsDiff(scores, valuesOf(logits))).toBeLessThanOrEqual(1e-4);
    graphModel.dispose();
    tf.dispose([images, logits]);
    model.dispose();
  });

  it('puts class names, NHWC preprocessing and the model’s name and options in userDefinedMetadata', async () => {
    const model = createModel('resnet9', {
      seed: 0,
      numClasses: 2,
      widths: { prep: 4, layer1: 4, layer2: 4, layer3: 4 },
    });
    const json = modelJsonOf(
      await exportTfjs(model, {
        classNames: ['no', 'yes'],
        inputSize: { height: 24, width: 16 },
        resize: 'squash',
        cnnkitVersion: '1.2.3',
      }),
    );
    model.dispose();
    expect(json.userDefinedMetadata).toEqual({
      output: 'logits',
      preprocessing: {
        layout: 'NHWC',
        height: 24,
        width: 16,
        channels: 3,
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
        formula: '(pixel / 255 - mean[c]) / std[c]',
      },
      'cnnkit.model_name': 'resnet9',
      'cnnkit.model_options': expect.objectContaining({ numClasses: 2, outputScale: 0.125 }),
      'cnnkit.classes': ['no', 'yes'],
      'cnnkit.input_shape': [24, 16, 3],
      'cnnkit.normalize': { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
      'cnnkit.resize': 'squash',
      'cnnkit.version': '1.2.3',
      'cnnkit.batch_counts': expect.objectContaining({ 'prep.bn.num_batches_tracked': 0 }),
    });
    const placeholder = json.modelTopology.node.find((n) => n.op === 'Placeholder');
    expect(JSON.stringify(placeholder)).toContain(
      '[{"size":"-1"},{"size":"24"},{"size":"16"},{"size":"3"}]',
    );
  });
});
