import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AirbenchNet } from './airbench-net.js';
import { SimpleCNN } from './simple-cnn.js';
import { useBackend } from './test-support/backends.js';
import {
  readWeightsInfo,
  type WeightsInfo,
  weightsInfoMetadata,
  withWeightsInfo,
} from './weights-info.js';

const info: WeightsInfo = {
  model: 'simple-cnn',
  modelOptions: { numClasses: 3, imageSize: 48 },
  classNames: ['cat', 'dog', 'guinea pig'],
  inputShape: [48, 48, 3],
  normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  resize: 'shorter-side',
  cnnkitVersion: '0.1.0',
};

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

describe('weights info in safetensors metadata', () => {
  it('round-trips every field through the metadata', () => {
    expect(readWeightsInfo(weightsInfoMetadata(info))).toEqual(info);
  });

  it('is absent, key by key, from files PyTorch or older cnnkit versions wrote', () => {
    expect(readWeightsInfo({})).toEqual({});
    expect(readWeightsInfo({ format: 'pt', 'cnnkit.model': 'SimpleCNN' })).toEqual({
      model: 'simple-cnn',
    });
    expect(readWeightsInfo({ 'cnnkit.model': 'AirbenchNet' }).model).toBe('airbench');
  });

  it('names a malformed key and the file', () => {
    const bad = (key: string, value: string) => () =>
      readWeightsInfo({ ...weightsInfoMetadata(info), [key]: value }, 'w.safetensors');
    expect(bad('cnnkit.classes', 'cat,dog')).toThrow(
      'w.safetensors: __metadata__ "cnnkit.classes" is "cat,dog", not a JSON list of distinct class names;',
    );
    expect(bad('cnnkit.classes', '["cat","cat"]')).toThrow('not a JSON list of distinct');
    expect(bad('cnnkit.input_shape', '[32,32]')).toThrow('not a JSON [height, width, channels]');
    expect(bad('cnnkit.normalize', '{"mean":[0.5],"std":[0]}')).toThrow('"cnnkit.normalize"');
    expect(bad('cnnkit.resize', 'crop')).toThrow('not "shorter-side" or "squash"');
    expect(bad('cnnkit.model_options', '[1]')).toThrow('not a JSON object');
  });

  it('labels what a model saves, keeping its own entries and its tensors', () => {
    const model = SimpleCNN.create({ seed: 0, numClasses: 3, imageSize: 48 });
    const labelled = withWeightsInfo(model, info);
    expect(labelled.numClasses).toBe(3);
    expect(labelled).toBeInstanceOf(SimpleCNN);
    const bytes = labelled.saveWeights();
    const { metadata, tensors } = decodeSafetensors(bytes);
    expect(metadata.format).toBe('pt');
    expect(metadata['cnnkit.model']).toBe('SimpleCNN');
    expect(readWeightsInfo(metadata)).toEqual(info);
    // The same tensors as the model's own file; loading ignores the metadata.
    expect(tensors.size).toBe(decodeSafetensors(model.saveWeights()).tensors.size);
    const copy = SimpleCNN.create({ seed: 1, numClasses: 3, imageSize: 48 });
    copy.loadWeights(bytes);
    expect(copy.saveWeights()).toEqual(model.saveWeights());
    copy.dispose();
    labelled.dispose();
  });

  it('works on a StateDictModel and refuses names that do not match the outputs', () => {
    const net = AirbenchNet.create({ seed: 0, numClasses: 3, widths: [8, 8, 8] });
    const labelled = withWeightsInfo(net, { ...info, model: 'airbench' });
    expect(readWeightsInfo(decodeSafetensors(labelled.saveWeights()).metadata).model).toBe(
      'airbench',
    );
    expect(labelled.buffers.length).toBe(net.buffers.length);
    expect(() => withWeightsInfo(net, { ...info, classNames: ['a', 'b'] })).toThrow(
      'withWeightsInfo: 2 class names for a model with 3 outputs',
    );
    net.dispose();
  });
});

const PYTHON = '/usr/bin/python3';
const SCRIPTS = fileURLToPath(new URL('../../../scripts/pytorch/', import.meta.url));
const torchAvailable =
  spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!torchAvailable)('the same metadata in scripts/pytorch (live)', () => {
  it('PyTorch writes what cnnkit reads, and reads what cnnkit writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnkit-weights-info-'));
    try {
      const model = SimpleCNN.create({ seed: 0, numClasses: 3, imageSize: 48 });
      const fromCnnkit = join(dir, 'cnnkit.safetensors');
      writeFileSync(fromCnnkit, withWeightsInfo(model, info).saveWeights());
      model.dispose();
      const fromTorch = join(dir, 'torch.safetensors');
      const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from simple_cnn import Net, load_net, save_state_dict, weights_metadata
net, names = load_net(${JSON.stringify(fromCnnkit)})
print(json.dumps({"names": list(names), "fc1": net.fc1.in_features}))
save_state_dict(${JSON.stringify(fromTorch)}, Net(3, 48), weights_metadata(names, 48, "shorter-side"))
`;
      const run = spawnSync(PYTHON, ['-c', script], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ names: info.classNames, fc1: 1296 });
      const { cnnkitVersion: _, ...withoutVersion } = info;
      expect(readWeightsInfo(decodeSafetensors(readFileSync(fromTorch)).metadata)).toEqual(
        withoutVersion,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
