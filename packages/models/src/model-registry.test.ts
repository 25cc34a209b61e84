import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AirbenchNet } from './airbench-net.js';
import { createModel, describeModel, MODEL_NAMES } from './model-registry.js';
import { ResNet9 } from './resnet9.js';
import { SimpleCNN } from './simple-cnn.js';
import { useBackend } from './test-support/backends.js';

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

describe('createModel', () => {
  it('creates a seeded SimpleCNN by name (TSDoc example)', () => {
    const model = createModel('simple-cnn', { seed: 0 });
    expect(model).toBeInstanceOf(SimpleCNN);
    expect(model.numClasses).toBe(10);
    const direct = SimpleCNN.create({ seed: 0 });
    expect(model.saveWeights()).toEqual(direct.saveWeights());
    direct.dispose();
    model.dispose();
  });

  it('creates AirbenchNet and ResNet9 with their own options', () => {
    const airbench = createModel('airbench', { seed: 0, numClasses: 5, widths: [32, 64, 64] });
    expect(airbench).toBeInstanceOf(AirbenchNet);
    expect(airbench.numClasses).toBe(5);
    const direct = AirbenchNet.create({ seed: 0, numClasses: 5, widths: [32, 64, 64] });
    expect(airbench.saveWeights()).toEqual(direct.saveWeights());
    const resnet = createModel('resnet9', { seed: 1, widths: { layer3: 64 } });
    expect(resnet).toBeInstanceOf(ResNet9);
    for (const m of [airbench, direct, resnet]) m.dispose();
  });

  it('lists the known names when given an unknown one', () => {
    expect(MODEL_NAMES).toEqual(['simple-cnn', 'airbench', 'resnet9']);
    expect(() => createModel('resnet', { seed: 0 })).toThrow(
      'Unknown model "resnet"; choose one of: simple-cnn, airbench, resnet9.',
    );
  });

  it('creates SimpleCNN for other class counts and input sizes, refusing impossible ones', () => {
    const model = createModel('simple-cnn', { seed: 0, numClasses: 3, imageSize: 64 });
    expect(model.numClasses).toBe(3);
    const shape = tf.tidy(() => model.logits(tf.zeros([2, 64, 64, 3])).shape);
    expect(shape).toEqual([2, 3]);
    model.dispose();
    expect(() => createModel('simple-cnn', { seed: 0, numClasses: 0 })).toThrow(
      'SimpleCNN: numClasses must be a positive integer, got 0.',
    );
    expect(() => createModel('simple-cnn', { seed: 0, imageSize: 12 })).toThrow(
      'SimpleCNN: imageSize must be an integer of at least 16',
    );
  });
});

describe('describeModel', () => {
  it('describes every model with the sizes its class reports', () => {
    for (const name of MODEL_NAMES) {
      const about = describeModel(name);
      expect(about.name).toBe(name);
      const model = createModel(name, { seed: 0 });
      expect(model.constructor.name).toBe(about.className);
      const trainable = model.parameters.reduce((n, p) => n + p.variable.size, 0);
      const frozen = (model.buffers ?? [])
        .filter((b) => b.kind === 'weight' || b.kind === 'norm-weight')
        .reduce((n, b) => n + b.variable.size, 0);
      expect([about.trainableParameters, about.parameters]).toEqual([
        trainable,
        trainable + frozen,
      ]);
      if (model instanceof AirbenchNet || model instanceof ResNet9) {
        expect(about.forwardMacs).toBe(model.forwardMacs());
      }
      // The head is the classifier: present, last, and shaped by the class count.
      const names = model.parameters.map((p) => p.name);
      expect(names.slice(-about.head.length)).toEqual(about.head);
      const headWeight = model.parameters.find((p) => p.name === about.head[0]);
      expect(headWeight?.variable.shape).toContain(model.numClasses);
      expect(about.expectedAccuracy.cifar10).toBeGreaterThan(0.5);
      model.dispose();
    }
  });

  it('states the numbers of the README table', () => {
    const rows = MODEL_NAMES.map((name) => {
      const { parameters, forwardMacs, expectedAccuracy } = describeModel(name);
      return [name, parameters, forwardMacs, expectedAccuracy.cifar10, expectedAccuracy.source];
    });
    expect(rows).toEqual([
      ['simple-cnn', 62_006, 651_720, 0.54, 'measured'],
      ['airbench', 569_656, 54_223_904, 0.93, 'published'],
      ['resnet9', 6_573_120, 379_261_952, 0.94, 'published'],
    ]);
  });

  it('sizes SimpleCNN for its class count and input size', () => {
    const model = createModel('simple-cnn', { seed: 0, numClasses: 3, imageSize: 64 });
    const about = describeModel('simple-cnn', { seed: 0, numClasses: 3, imageSize: 64 });
    expect(about.parameters).toBe(model.parameters.reduce((n, p) => n + p.variable.size, 0));
    expect(about.parameters).toBe(337_891);
    // conv1 60·60·6·75 + conv2 26·26·16·150 + 2704·120 + 120·84 + 84·3
    expect(about.forwardMacs).toBe(1_620_000 + 1_622_400 + 324_480 + 10_080 + 252);
    model.dispose();
  });

  it('follows the options given (TSDoc example)', () => {
    expect(describeModel('airbench').forwardMacs).toBe(54_223_904);
    expect(describeModel('airbench', { seed: 0, widths: [64, 256, 256] }).forwardMacs).toBe(
      118_147_360,
    );
    expect(() => describeModel('vgg')).toThrow('Unknown model "vgg"');
  });
});
