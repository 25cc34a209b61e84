import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type TensorToEncode } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimpleCNN } from './simple-cnn.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { readFixture, readTorchIo } from './test-support/fixtures.js';

const STATE_DICT_KEYS = [
  'conv1.weight',
  'conv1.bias',
  'conv2.weight',
  'conv2.bias',
  'fc1.weight',
  'fc1.bias',
  'fc2.weight',
  'fc2.bias',
  'fc3.weight',
  'fc3.bias',
];

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

function valuesOf(model: SimpleCNN): Float32Array[] {
  return model.parameters.map((p) => p.variable.dataSync() as Float32Array);
}

describe('SimpleCNN structure', () => {
  it('has the tutorial parameters in state_dict order with tfjs layouts', () => {
    const model = SimpleCNN.create({ seed: 0 });
    expect(model.numClasses).toBe(10);
    expect(model.parameterCount).toBe(62_006);
    expect(model.parameters.map((p) => p.name)).toEqual(STATE_DICT_KEYS);
    expect(model.parameters.map((p) => p.variable.shape)).toEqual([
      [5, 5, 3, 6],
      [6],
      [5, 5, 6, 16],
      [16],
      [400, 120],
      [120],
      [120, 84],
      [84],
      [84, 10],
      [10],
    ]);
    expect(model.parameters.every((p) => p.variable.trainable && p.variable.dtype === 'float32'));
    model.dispose();
  });

  it('initialises every parameter within ±1/√fan_in of its layer', () => {
    const model = SimpleCNN.create({ seed: 1 });
    const fanIns = [75, 75, 150, 150, 400, 400, 120, 120, 84, 84];
    valuesOf(model).forEach((values, i) => {
      const bound = Math.fround(1 / Math.sqrt(fanIns[i] as number));
      const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(largest).toBeLessThanOrEqual(bound);
      expect(largest).toBeGreaterThan(0.5 * bound);
    });
    model.dispose();
  });

  it('is deterministic per seed', () => {
    const [a, b, c] = [0, 0, 1].map((seed) => SimpleCNN.create({ seed }));
    expect(valuesOf(a as SimpleCNN)).toEqual(valuesOf(b as SimpleCNN));
    expect(valuesOf(a as SimpleCNN)[0]).not.toEqual(valuesOf(c as SimpleCNN)[0]);
    for (const m of [a, b, c]) m?.dispose();
  });

  it('can hold several models at once (variables are not globally named)', () => {
    const models = [SimpleCNN.create({ seed: 0 }), SimpleCNN.create({ seed: 0 })];
    for (const m of models) m.dispose();
  });
});

describe('SimpleCNN weights', () => {
  it('round-trips save → load bit-exactly into another model', () => {
    const source = SimpleCNN.create({ seed: 3 });
    const target = SimpleCNN.create({ seed: 4 });
    const bytes = source.saveWeights();
    target.loadWeights(bytes);
    expect(valuesOf(target)).toEqual(valuesOf(source));
    expect(target.saveWeights()).toEqual(bytes);
    source.dispose();
    target.dispose();
  });

  it('saves PyTorch names, shapes, F32 and metadata', () => {
    const model = SimpleCNN.create({ seed: 0 });
    const { tensors, metadata } = decodeSafetensors(model.saveWeights());
    expect([...tensors.keys()]).toEqual(STATE_DICT_KEYS);
    expect([...tensors.values()].map((t) => t.shape)).toEqual([
      [6, 3, 5, 5],
      [6],
      [16, 6, 5, 5],
      [16],
      [120, 400],
      [120],
      [84, 120],
      [84],
      [10, 84],
      [10],
    ]);
    expect([...tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    expect(metadata).toEqual({ format: 'pt', 'cnnkit.model': 'SimpleCNN' });
    model.dispose();
  });

  it('re-saves PyTorch-written weights with the same tensor bytes', () => {
    const torchFile = readFixture('simple-cnn-weights.safetensors');
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(torchFile);
    const ours = decodeSafetensors(model.saveWeights()).tensors;
    for (const [name, tensor] of decodeSafetensors(torchFile).tensors) {
      expect(ours.get(name)?.bytes, name).toEqual(tensor.bytes);
    }
    model.dispose();
  });

  it('loads F64 and F16 files', () => {
    const source = SimpleCNN.create({ seed: 5 });
    const { tensors } = decodeSafetensors(source.saveWeights());
    const asF64: Record<string, TensorToEncode> = {};
    const asF16: Record<string, TensorToEncode> = {};
    for (const [name, t] of tensors) {
      const f32 = new Float32Array(t.bytes.slice().buffer);
      asF64[name] = { dtype: 'F64', shape: t.shape, data: Float64Array.from(f32) };
      // 0x3c00 is 1.0 in half precision.
      asF16[name] = {
        dtype: 'F16',
        shape: t.shape,
        data: new Uint16Array(f32.length).fill(0x3c00),
      };
    }
    const target = SimpleCNN.create({ seed: 6 });
    target.loadWeights(encodeSafetensors(asF64));
    expect(valuesOf(target)).toEqual(valuesOf(source));
    target.loadWeights(encodeSafetensors(asF16));
    expect(valuesOf(target).every((v) => v.every((x) => x === 1))).toBe(true);
    source.dispose();
    target.dispose();
  });

  it('lists every mismatch in one error and leaves the weights unchanged', () => {
    const model = SimpleCNN.create({ seed: 0 });
    const before = valuesOf(model);
    const { tensors } = decodeSafetensors(model.saveWeights());
    const broken: Record<string, TensorToEncode> = {};
    for (const [name, t] of tensors) {
      if (name === 'fc3.bias') continue;
      broken[name] = {
        dtype: 'F32',
        shape: t.shape,
        data: new Float32Array(t.bytes.slice().buffer),
      };
    }
    broken['fc1.weight'] = { dtype: 'F32', shape: [120, 256], data: new Float32Array(120 * 256) };
    broken['conv1.bias'] = { dtype: 'I32', shape: [6], data: new Int32Array(6) };
    broken['fc4.weight'] = { dtype: 'F32', shape: [2], data: new Float32Array(2) };
    let message = '';
    try {
      model.loadWeights(encodeSafetensors(broken));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('These weights do not fit SimpleCNN (4 problems)');
    expect(message).toContain('conv1.bias: expected dtype F32, F64, F16, found I32');
    expect(message).toContain('fc1.weight: expected shape [120, 400], found [120, 256]');
    expect(message).toContain('fc3.bias: missing (expected shape [10])');
    expect(message).toContain('fc4.weight: unexpected tensor (F32 [2])');
    expect(valuesOf(model)).toEqual(before);
    model.dispose();
  });

  it('reports a file that is not safetensors with its source', () => {
    const model = SimpleCNN.create({ seed: 0 });
    expect(() => model.loadWeights(new Uint8Array([1, 2, 3]))).toThrow(/^SimpleCNN weights: /);
    model.dispose();
  });
});

describe.each(TEST_BACKENDS)('SimpleCNN forward on %s', (backend) => {
  beforeEach(async () => {
    await useBackend(backend);
    tensorsBefore = tf.memory().numTensors;
  });

  it('maps [b, 32, 32, 3] to [b, 10] finite logits without leaking tensors', () => {
    const model = SimpleCNN.create({ seed: 0 });
    const images = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const inside = tf.memory().numTensors;
    const logits = model.logits(images);
    expect(tf.memory().numTensors).toBe(inside + 1);
    expect(logits.shape).toEqual([3, 10]);
    expect(logits.dtype).toBe('float32');
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([images, logits]);
    model.dispose();
  });

  it("matches PyTorch's logits for the fixture weights and images within 1e-4", () => {
    const { images, logits: expected } = readTorchIo();
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(readFixture('simple-cnn-weights.safetensors'));
    const input = tf.tensor4d(images, [2, 32, 32, 3]);
    const logits = model.logits(input);
    const actual = logits.dataSync();
    expect(actual).toHaveLength(20);
    for (let i = 0; i < 20; i++)
      expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(1e-4);
    tf.dispose([input, logits]);
    model.dispose();
  });

  it('rejects images of the wrong size with the shape it got', () => {
    const model = SimpleCNN.create({ seed: 0 });
    const images = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(() => model.logits(images)).toThrow(
      'SimpleCNN.logits expects NHWC images of shape [batch, 32, 32, 3], got [1, 28, 28, 1].',
    );
    tf.dispose(images);
    model.dispose();
  });

  it('runs its TSDoc examples', () => {
    const model = SimpleCNN.create({ seed: 0 });
    const zeros = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
    const logits = model.logits(zeros);
    expect(logits.shape).toEqual([2, 10]);
    const bytes = model.saveWeights();
    model.loadWeights(bytes);
    const file = join(mkdtempSync(join(tmpdir(), 'cnnkit-models-')), 'simple-cnn.safetensors');
    writeFileSync(file, model.saveWeights());
    model.loadWeights(readFileSync(file));
    expect(model.saveWeights()).toEqual(bytes);
    rmSync(dirname(file), { recursive: true });
    tf.dispose([zeros, logits]);
    model.dispose();

    const created = SimpleCNN.create({ seed: 42 });
    expect(created.parameterCount).toBe(62006);
    const four = tf.zeros([4, 32, 32, 3]) as tf.Tensor4D;
    const scores = created.logits(four);
    expect(scores.shape).toEqual([4, 10]);
    tf.dispose([four, scores]);
    created.dispose();
  });
});
