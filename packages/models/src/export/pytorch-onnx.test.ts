import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimpleCNN } from '../simple-cnn.js';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff } from '../test-support/compare.js';
import {
  accuracy,
  type LabelledImages,
  modelLogits,
  sampleImages,
  toNchw,
  trainedModel,
} from '../test-support/export-acceptance.js';
import { onnxRuntimeScores, pythonHas, runPytorchScript } from '../test-support/runtimes.js';
import { exportOnnx } from './onnx-export.js';
import { weightsFromOnnx } from './onnx-import.js';

const torchAvailable = pythonHas('torch');

// PyTorch's own ONNX exporter (torch 1.13, /usr/bin/python3) on the tutorial's `Net` holding
// cnnkit-trained weights, against cnnkit's export of the same weights, both in onnxruntime.
describe.skipIf(!torchAvailable)('the tutorial Net exported by torch.onnx.export', () => {
  let dir = '';
  let model: SimpleCNN;
  let test: LabelledImages;
  let nchw: Float32Array;
  let torchOnnx: Uint8Array;

  beforeAll(async () => {
    await useBackend('wasm');
    ({ test } = await sampleImages());
    nchw = toNchw(test.nhwc, test.count);
    model = (await trainedModel('simple-cnn', {})) as SimpleCNN;
    dir = mkdtempSync(join(tmpdir(), 'cnnkit-torch-onnx-'));
    writeFileSync(join(dir, 'weights.safetensors'), model.saveWeights());
    runPytorchScript('export_onnx.py', [
      '--weights',
      join(dir, 'weights.safetensors'),
      '--out',
      join(dir, 'net.onnx'),
    ]);
    torchOnnx = new Uint8Array(readFileSync(join(dir, 'net.onnx')));
  });
  afterAll(() => {
    model?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same logits in onnxruntime as cnnkit's ONNX of the same weights, and cnnkit's own", async () => {
    const fromTorch = await onnxRuntimeScores(torchOnnx, nchw, test.count);
    const fromCnnkit = await onnxRuntimeScores(await exportOnnx(model), nchw, test.count);
    const reference = modelLogits(model, test);
    const exports = maxAbsDiff(fromTorch, fromCnnkit);
    const toCnnkit = maxAbsDiff(fromTorch, reference);
    console.log(
      `torch.onnx.export vs cnnkit's ONNX in onnxruntime-node: max |Δlogit| ${exports.toExponential(2)}; vs cnnkit (wasm) ${toCnnkit.toExponential(2)}; accuracy ${(100 * accuracy(fromTorch, test.labels, 10)).toFixed(1)} %`,
    );
    expect(exports).toBeLessThanOrEqual(1e-5);
    expect(toCnnkit).toBeLessThanOrEqual(1e-4);
    expect(accuracy(fromTorch, test.labels, 10)).toBe(accuracy(fromCnnkit, test.labels, 10));
  });

  it('loads back into SimpleCNN as the very weights it was exported with', async () => {
    const before = tf.memory().numTensors;
    const copy = SimpleCNN.create({ seed: 5 });
    copy.loadWeights(await weightsFromOnnx(torchOnnx, 'net.onnx'));
    expect(copy.saveWeights()).toEqual(model.saveWeights());
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
