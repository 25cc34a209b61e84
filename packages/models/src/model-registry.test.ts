import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModel, MODEL_NAMES } from './model-registry.js';
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

  it('lists the known names when given an unknown one', () => {
    expect(MODEL_NAMES).toEqual(['simple-cnn']);
    expect(() => createModel('resnet', { seed: 0 })).toThrow(
      'Unknown model "resnet"; choose one of: simple-cnn.',
    );
  });
});
