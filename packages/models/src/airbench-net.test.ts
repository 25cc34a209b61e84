import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AirbenchNet, airbenchNetSize } from './airbench-net.js';
import { useBackend } from './test-support/backends.js';
import { valuesOf } from './test-support/compare.js';
import { describeModelParity } from './test-support/model-parity.js';

describeModelParity('airbench', ({ seed }) => AirbenchNet.create({ seed, widths: [8, 16, 16] }), {
  logits: 1e-4,
  runningStatistics: 1e-5,
  gradients: 1e-5,
  gradientsRelative: 1e-4,
});

let tensorsBefore = 0;
beforeEach(async () => {
  await useBackend('cpu');
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('AirbenchNet', () => {
  it("has airbench93's size: 569,656 parameters (568,728 trainable), 54.2 M multiply-adds", () => {
    const net = AirbenchNet.create({ seed: 0 });
    // PyTorch's sum(p.numel() for p in parameters()) for scripts/pytorch/airbench_net.py.
    const all = net.stateDict
      .filter((e) => !['running-mean', 'running-var', 'batch-count'].includes(e.kind))
      .reduce((n, e) => n + e.variable.size, 0);
    expect([all, net.parameterCount]).toEqual([569_656, 568_728]);
    // Counted with forward hooks on the PyTorch module: 54,223,904 at 32×32, 78,578,336 at 40×36.
    expect(net.forwardMacs()).toBe(54_223_904);
    expect(net.forwardMacs(40, 36)).toBe(78_578_336);
    expect(airbenchNetSize({ seed: 0 })).toEqual({
      parameters: 569_656,
      trainableParameters: 568_728,
      forwardMacs: 54_223_904,
    });
    expect(net.numClasses).toBe(10);
    net.dispose();
  });

  it('freezes what airbench freezes: the whitening weight and every BatchNorm scale', () => {
    const net = AirbenchNet.create({ seed: 0 });
    expect(
      net.buffers.filter((b) => b.kind === 'weight' || b.kind === 'norm-weight').map((b) => b.name),
    ).toEqual([
      'whiten.weight',
      ...[0, 1, 2].flatMap((i) => [`layers.${i}.norm1.weight`, `layers.${i}.norm2.weight`]),
    ]);
    const trainableScales = AirbenchNet.create({ seed: 0, batchNormWeightTrainable: true });
    expect(trainableScales.parameters.filter((p) => p.kind === 'norm-weight')).toHaveLength(6);
    expect(airbenchNetSize({ seed: 0, batchNormWeightTrainable: true }).trainableParameters).toBe(
      trainableScales.parameterCount,
    );
    trainableScales.dispose();
    net.dispose();
  });

  it('uses BatchNorm eps 1e-12 and momentum 0.4 (PyTorch convention), and identity-initialised convolutions', () => {
    const net = AirbenchNet.create({ seed: 1 });
    for (const group of net.layers) {
      for (const norm of [group.norm1, group.norm2])
        expect([norm.eps, norm.momentum]).toEqual([1e-12, 0.4]);
      for (const conv of [group.conv1, group.conv2]) {
        const { inChannels: ci, outChannels: co } = conv.options;
        const w = conv.weight.layout.toTorch(valuesOf(conv.weight.variable));
        // OIHW [co, ci, 3, 3]: filter d < ci has a single 1 at [d][d][1][1].
        for (let d = 0; d < Math.min(ci, co); d++) {
          const filter = Array.from(w.subarray(d * ci * 9, (d + 1) * ci * 9));
          expect(filter.filter((v) => v !== 0)).toEqual([1]);
          expect(filter[d * 9 + 4]).toBe(1);
        }
      }
    }
    expect(Array.from(net.whiten.bias?.variable.dataSync() ?? [])).toEqual(new Array(24).fill(0));
    net.dispose();
  });

  it('takes the class count, widths, input channels and any input size ≥ 9×9', () => {
    const net = AirbenchNet.create({ seed: 2, numClasses: 3, widths: [8, 8], inputChannels: 1 });
    expect(net.whiten.weight.layout.torchShape).toEqual([8, 1, 2, 2]);
    expect(net.head.weight.layout.torchShape).toEqual([3, 8]);
    // Two groups: the smallest side is 2² + 1 = 5.
    const small = tf.zeros([2, 5, 7, 1]) as tf.Tensor4D;
    const logits = net.logits(small, { training: true });
    expect(logits.shape).toEqual([2, 3]);
    const tooSmall = tf.zeros([2, 4, 7, 1]) as tf.Tensor4D;
    expect(() => net.logits(tooSmall)).toThrow(
      'AirbenchNet.logits expects NHWC images of shape [batch, ≥5, ≥5, 1], got [2, 4, 7, 1].',
    );
    tf.dispose([small, logits, tooSmall]);
    net.dispose();
    expect(() => AirbenchNet.create({ seed: 0, widths: [] })).toThrow(
      'AirbenchNet option widths must list at least one positive integer, got [].',
    );
    expect(() => AirbenchNet.create({ seed: 0, numClasses: 0 })).toThrow(
      'AirbenchNet option numClasses must be a positive integer, got 0.',
    );
  });

  it('sets the whitening filters from images, and checks their count', () => {
    const net = AirbenchNet.create({ seed: 0 });
    const images = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = valuesOf(net.whiten.weight.variable);
    net.initWhitening(images);
    const after = net.whiten.weight.layout.toTorch(valuesOf(net.whiten.weight.variable));
    expect(after).not.toEqual(before);
    // Filters 12–23 are 0–11 negated.
    expect(Array.from(after.subarray(144), (v) => -v)).toEqual(Array.from(after.subarray(0, 144)));
    expect(() => net.setWhiteningWeights(new Float32Array(10))).toThrow(
      'AirbenchNet.setWhiteningWeights needs 288 values (shape [24, 3, 2, 2]), got 10.',
    );
    const gray = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => net.initWhitening(gray)).toThrow(
      'AirbenchNet.initWhitening expects NHWC images with 3 channels, got shape [1, 8, 8, 1].',
    );
    tf.dispose([images, gray]);
    net.dispose();
  });

  it('updates running statistics once per training call and never in evaluation', () => {
    const net = AirbenchNet.create({ seed: 0, widths: [8, 8, 8] });
    const images = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const counts = () =>
      net.buffers.filter((b) => b.kind === 'batch-count').map((b) => b.variable.dataSync()[0]);
    tf.dispose(net.logits(images));
    expect(counts()).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose(net.logits(images, { training: true }));
    tf.dispose(net.logits(images, { training: true }));
    expect(counts()).toEqual([2, 2, 2, 2, 2, 2]);
    images.dispose();
    net.dispose();
  });
});
