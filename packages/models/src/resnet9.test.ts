import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResNet9, resNet9Size } from './resnet9.js';
import { useBackend } from './test-support/backends.js';
import { describeModelParity } from './test-support/model-parity.js';

const SMALL = { prep: 8, layer1: 16, layer2: 16, layer3: 16 };

describeModelParity(
  'resnet9',
  ({ seed }) => ResNet9.create({ seed, widths: SMALL, numClasses: 7 }),
  {
    logits: 1e-4,
    runningStatistics: 1e-5,
    gradients: 1e-5,
    gradientsRelative: 1e-4,
  },
);

let tensorsBefore = 0;
beforeEach(async () => {
  await useBackend('cpu');
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('ResNet9', () => {
  it("has Page's size: 6,573,120 parameters, 379 M multiply-adds", () => {
    const net = ResNet9.create({ seed: 0 });
    // PyTorch's parameter count and hook-counted MACs for scripts/pytorch/resnet9.py.
    expect(net.parameterCount).toBe(6_573_120);
    expect(net.forwardMacs()).toBe(379_261_952);
    expect(resNet9Size({ seed: 0 })).toEqual({
      parameters: 6_573_120,
      trainableParameters: 6_573_120,
      forwardMacs: 379_261_952,
    });
    expect(net.stateDict.filter((e) => e.kind === 'norm-bias')).toHaveLength(8);
    for (const norm of [net.prep.bn, net.layer2.convBn.bn])
      expect([norm.eps, norm.momentum]).toEqual([1e-5, 0.1]);
    net.dispose();
  });

  it('takes the class count, widths, BatchNorm settings and any input size ≥ 8×8', () => {
    const options = {
      seed: 1,
      numClasses: 3,
      widths: { prep: 4, layer1: 4, layer2: 4, layer3: 4 },
      batchNormWeightTrainable: false,
    };
    const net = ResNet9.create(options);
    expect(net.linear.weight.layout.torchShape).toEqual([3, 4]);
    expect(net.parameterCount).toBe(resNet9Size(options).trainableParameters);
    expect(net.parameters.some((p) => p.kind === 'norm-weight')).toBe(false);
    const images = tf.zeros([2, 8, 11, 3]) as tf.Tensor4D;
    const logits = net.logits(images, { training: true });
    expect(logits.shape).toEqual([2, 3]);
    const tooSmall = tf.zeros([1, 7, 8, 3]) as tf.Tensor4D;
    expect(() => net.logits(tooSmall)).toThrow(
      'ResNet9.logits expects NHWC images of shape [batch, ≥8, ≥8, 3], got [1, 7, 8, 3].',
    );
    tf.dispose([images, logits, tooSmall]);
    net.dispose();
    expect(() => ResNet9.create({ seed: 0, widths: { layer2: 2.5 } })).toThrow(
      'ResNet9 option widths.layer2 must be a positive integer, got 2.5.',
    );
  });
});
