import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPretrainedWeights } from './load-pretrained-weights.js';
import { describeModel } from './model-registry.js';
import { SimpleCNN } from './simple-cnn.js';
import { useBackend } from './test-support/backends.js';
import { WeightsMismatchError } from './torch-weights.js';

const head = describeModel('simple-cnn').head;

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

function tensors(model: SimpleCNN): Map<string, Float32Array> {
  const decoded = decodeSafetensors(model.saveWeights()).tensors;
  return new Map([...decoded].map(([name, t]) => [name, tensorToFloat32(t)]));
}

describe('loadPretrainedWeights', () => {
  it('takes every feature tensor and keeps a fresh head for another class count', () => {
    const trained = SimpleCNN.create({ seed: 1 });
    const model = SimpleCNN.create({ seed: 0, numClasses: 4 });
    const fresh = tensors(model);
    const reinitialised = loadPretrainedWeights(model, trained.saveWeights(), { head });
    expect(reinitialised).toEqual([
      { name: 'fc3.weight', fileShape: [10, 84], modelShape: [4, 84] },
      { name: 'fc3.bias', fileShape: [10], modelShape: [4] },
    ]);
    const now = tensors(model);
    const source = tensors(trained);
    for (const [name, values] of now) {
      expect(values, name).toEqual(head.includes(name) ? fresh.get(name) : source.get(name));
    }
    trained.dispose();
    model.dispose();
  });

  it('takes the head too when it fits, unless told the classes are other classes', () => {
    const trained = SimpleCNN.create({ seed: 1 });
    const model = SimpleCNN.create({ seed: 0 });
    expect(loadPretrainedWeights(model, trained.saveWeights(), { head })).toEqual([]);
    expect(model.saveWeights()).toEqual(trained.saveWeights());
    const other = SimpleCNN.create({ seed: 2 });
    const freshHead = tensors(other).get('fc3.bias');
    const names = loadPretrainedWeights(other, trained.saveWeights(), {
      head,
      reinitialiseHead: true,
    }).map((t) => t.name);
    expect(names).toEqual(['fc3.weight', 'fc3.bias']);
    expect(tensors(other).get('fc3.bias')).toEqual(freshHead);
    expect(tensors(other).get('conv1.weight')).toEqual(tensors(trained).get('conv1.weight'));
    for (const m of [trained, model, other]) m.dispose();
  });

  it('refuses weights for another input size, listing the tensor, and changes nothing', () => {
    const trained = SimpleCNN.create({ seed: 1, imageSize: 48 });
    const model = SimpleCNN.create({ seed: 0 });
    const before = model.saveWeights();
    let error: unknown;
    try {
      loadPretrainedWeights(model, trained.saveWeights(), { head, modelName: 'SimpleCNN' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    expect((error as WeightsMismatchError).problems).toEqual([
      'fc1.weight: expected shape [120, 400], found [120, 1296]',
    ]);
    expect(model.saveWeights()).toEqual(before);
    trained.dispose();
    model.dispose();
  });

  it('says when the head names are not the model’s', () => {
    const model = SimpleCNN.create({ seed: 0 });
    expect(() =>
      loadPretrainedWeights(model, model.saveWeights(), { head: ['classifier.weight'] }),
    ).toThrow('has no tensor classifier.weight');
    model.dispose();
  });
});
