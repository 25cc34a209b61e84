import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type DecodedTensor,
  decodeSafetensors,
  encodeSafetensors,
  type TensorToEncode,
  tensorToFloat32,
} from '@cnnkit/safetensors';
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
    expect(model.parameters.map((p) => p.kind)).toEqual(
      STATE_DICT_KEYS.map((k) => (k.endsWith('.bias') ? 'bias' : 'weight')),
    );
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
    // The file lists tensors sorted by name, as PyTorch's safetensors writer does.
    expect([...tensors.keys()]).toEqual([...STATE_DICT_KEYS].sort());
    const torchShapes = {
      'conv1.weight': [6, 3, 5, 5],
      'conv1.bias': [6],
      'conv2.weight': [16, 6, 5, 5],
      'conv2.bias': [16],
      'fc1.weight': [120, 400],
      'fc1.bias': [120],
      'fc2.weight': [84, 120],
      'fc2.bias': [84],
      'fc3.weight': [10, 84],
      'fc3.bias': [10],
    };
    expect(Object.fromEntries([...tensors].map(([name, t]) => [name, t.shape]))).toEqual(
      torchShapes,
    );
    expect([...tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    expect(metadata).toEqual({ format: 'pt', 'cnnkit.model': 'SimpleCNN' });
    model.dispose();
  });

  it('re-saves a PyTorch-written file byte for byte', () => {
    const torchFile = readFixture('simple-cnn-weights.safetensors');
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(torchFile);
    expect(model.saveWeights()).toEqual(torchFile);
    model.dispose();
  });

  it("stores PyTorch's conv and fc1 elements where tfjs expects them (PyTorch fixture)", () => {
    const { tensors } = decodeSafetensors(readFixture('simple-cnn-weights.safetensors'));
    const torch = (name: string) => tensorToFloat32(tensors.get(name) as DecodedTensor);
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(readFixture('simple-cnn-weights.safetensors'));
    const [conv2, fc1] = [2, 4].map(
      (i) => model.parameters[i]?.variable.dataSync() as Float32Array,
    ) as [Float32Array, Float32Array];
    // conv2: torch [o][i][y][x] (OIHW) is tfjs [y][x][i][o] (HWIO).
    const conv2Torch = torch('conv2.weight');
    const misplaced: string[] = [];
    for (let o = 0; o < 16; o++)
      for (let i = 0; i < 6; i++)
        for (let y = 0; y < 5; y++)
          for (let x = 0; x < 5; x++)
            if (conv2[((y * 5 + x) * 6 + i) * 16 + o] !== conv2Torch[((o * 6 + i) * 5 + y) * 5 + x])
              misplaced.push(`conv2.weight[${o}][${i}][${y}][${x}]`);
    // fc1: torch [o][c*25 + y*5 + x] (CHW flatten) is tfjs [y*80 + x*16 + c][o] (HWC flatten).
    const fc1Torch = torch('fc1.weight');
    for (let o = 0; o < 120; o++)
      for (let c = 0; c < 16; c++)
        for (let y = 0; y < 5; y++)
          for (let x = 0; x < 5; x++)
            if (fc1[(y * 80 + x * 16 + c) * 120 + o] !== fc1Torch[o * 400 + c * 25 + y * 5 + x])
              misplaced.push(`fc1.weight[${o}][${c * 25 + y * 5 + x}]`);
    expect(misplaced).toEqual([]);
    model.dispose();
  });

  it('loads F64, F16 and BF16 files', () => {
    const source = SimpleCNN.create({ seed: 5 });
    const { tensors } = decodeSafetensors(source.saveWeights());
    const asF64: Record<string, TensorToEncode> = {};
    const asF16: Record<string, TensorToEncode> = {};
    const asBF16: Record<string, TensorToEncode> = {};
    for (const [name, t] of tensors) {
      const f32 = new Float32Array(t.bytes.slice().buffer);
      asF64[name] = { dtype: 'F64', shape: t.shape, data: Float64Array.from(f32) };
      // 0x3c00 is 1.0 in half precision.
      asF16[name] = {
        dtype: 'F16',
        shape: t.shape,
        data: new Uint16Array(f32.length).fill(0x3c00),
      };
      // 0xc000 is -2.0 in bfloat16.
      asBF16[name] = {
        dtype: 'BF16',
        shape: t.shape,
        data: new Uint16Array(f32.length).fill(0xc000),
      };
    }
    const target = SimpleCNN.create({ seed: 6 });
    target.loadWeights(encodeSafetensors(asF64));
    expect(valuesOf(target)).toEqual(valuesOf(source));
    target.loadWeights(encodeSafetensors(asF16));
    expect(valuesOf(target).every((v) => v.every((x) => x === 1))).toBe(true);
    target.loadWeights(encodeSafetensors(asBF16));
    expect(valuesOf(target).every((v) => v.every((x) => x === -2))).toBe(true);
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
    expect(message).toContain('conv1.bias: expected dtype F32, F64, F16, BF16, found I32');
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

  it('would not match PyTorch without the CHW → HWC reordering of fc1 (the fixture can tell)', () => {
    const { images, logits: expected } = readTorchIo();
    const torchFile = readFixture('simple-cnn-weights.safetensors');
    const model = SimpleCNN.create({ seed: 0 });
    model.loadWeights(torchFile);
    const fc1 = decodeSafetensors(torchFile).tensors.get('fc1.weight') as DecodedTensor;
    const fc1Variable = model.parameters[4]?.variable as tf.Variable;
    expect(model.parameters[4]?.name).toBe('fc1.weight');
    tf.tidy(() => {
      // A plain transpose: what loading would do if it ignored the flatten order.
      const naive = tf.transpose(tf.tensor2d(tensorToFloat32(fc1), [120, 400]));
      fc1Variable.assign(naive);
    });
    const input = tf.tensor4d(images, [2, 32, 32, 3]);
    const logits = model.logits(input);
    const actual = logits.dataSync();
    const worst = Math.max(...expected.map((v, i) => Math.abs(v - (actual[i] as number))));
    expect(worst).toBeGreaterThan(1e-3);
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
