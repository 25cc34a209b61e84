import '@cnnkit/tfjs-gradients';
import { decodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateDictModel } from '../state-dict-model.js';
import { TEST_BACKENDS, useBackend } from './backends.js';
import { maxAbsDiff, valuesOf } from './compare.js';
import { fixtureTensors, readFixture } from './fixtures.js';

/** Tolerances of a model's PyTorch comparisons, each stated and checked by the tests. */
export interface ParityTolerances {
  /** Logits, eval and train mode, every backend. */
  readonly logits: number;
  /** Running statistics after one train-mode forward, every backend. */
  readonly runningStatistics: number;
  /** Gradients on cpu, absolute… */
  readonly gradients: number;
  /** …and relative to the largest |gradient| of that tensor. */
  readonly gradientsRelative: number;
}

/**
 * The PyTorch-parity tests every StateDictModel gets, against the fixtures of
 * scripts/pytorch/make_model_fixtures.py for `fixtureName` (e.g. "airbench"): state_dict
 * names and trainability, weight files both ways, eval- and train-mode logits, running
 * statistics and gradients — each with a tensor-leak check.
 */
export function describeModelParity(
  fixtureName: string,
  create: (options: { seed: number }) => StateDictModel,
  tolerances: ParityTolerances,
): void {
  const io = fixtureTensors(`${fixtureName}-io.safetensors`);
  const grads = fixtureTensors(`${fixtureName}-grads.safetensors`);
  const weightsFile = readFixture(`${fixtureName}-weights.safetensors`);
  const keys = JSON.parse(io.metadata.state_dict_keys ?? '[]') as string[];
  const trainable = JSON.parse(io.metadata.trainable ?? '[]') as string[];
  const imagesShape = io.shape('images_nhwc') as [number, number, number, number];
  const oddShape = io.shape('images_odd_nhwc') as [number, number, number, number];

  let tensorsBefore = 0;
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  function fromFixture(): StateDictModel {
    const model = create({ seed: 0 });
    model.loadWeights(weightsFile);
    return model;
  }

  describe(`${fixtureName}: state_dict like the PyTorch reference module`, () => {
    beforeEach(async () => {
      await useBackend('cpu');
      tensorsBefore = tf.memory().numTensors;
    });

    it('has its keys in the same order, the same ones trainable', () => {
      const model = create({ seed: 0 });
      expect(keys.length).toBeGreaterThan(0);
      expect(model.stateDict.map((e) => e.name)).toEqual(keys);
      expect(model.parameters.map((p) => p.name)).toEqual(trainable);
      expect(model.buffers.map((b) => b.name)).toEqual(keys.filter((k) => !trainable.includes(k)));
      model.dispose();
    });

    it('re-saves a PyTorch-written file byte for byte (F32 tensors, I64 counts, metadata)', () => {
      const model = fromFixture();
      expect(model.saveWeights()).toEqual(weightsFile);
      const { tensors } = decodeSafetensors(weightsFile);
      expect(tensors.get(keys.find((k) => k.endsWith('num_batches_tracked')) ?? '')?.dtype).toBe(
        'I64',
      );
      model.dispose();
    });

    it('round-trips save → load bit-exactly into a differently seeded model', () => {
      const source = create({ seed: 3 });
      const target = create({ seed: 4 });
      const bytes = source.saveWeights();
      target.loadWeights(bytes);
      expect(target.stateDict.map((e) => valuesOf(e.variable))).toEqual(
        source.stateDict.map((e) => valuesOf(e.variable)),
      );
      source.dispose();
      target.dispose();
    });

    it('is deterministic per seed', () => {
      const [a, b, c] = [5, 5, 6].map((seed) => create({ seed })) as [
        StateDictModel,
        StateDictModel,
        StateDictModel,
      ];
      expect(a.saveWeights()).toEqual(b.saveWeights());
      expect(a.saveWeights()).not.toEqual(c.saveWeights());
      for (const m of [a, b, c]) m.dispose();
    });
  });

  describe.each(TEST_BACKENDS)(`${fixtureName} forward on %s (PyTorch fixture)`, (backend) => {
    beforeEach(async () => {
      await useBackend(backend);
      tensorsBefore = tf.memory().numTensors;
    });

    it(`eval mode: PyTorch's logits within ${tolerances.logits}, for two image sizes, nothing changes`, () => {
      const model = fromFixture();
      const before = model.buffers.map((b) => valuesOf(b.variable));
      for (const [key, shape] of [
        ['', imagesShape],
        ['_odd', oddShape],
      ] as const) {
        const images = tf.tensor4d(io.f32(`images${key}_nhwc`), shape);
        const inside = tf.memory().numTensors;
        const logits = model.logits(images);
        expect(tf.memory().numTensors).toBe(inside + 1);
        expect(logits.shape).toEqual([shape[0], model.numClasses]);
        expect(maxAbsDiff(valuesOf(logits), io.f32(`logits${key}`))).toBeLessThan(
          tolerances.logits,
        );
        tf.dispose([images, logits]);
      }
      expect(model.buffers.map((b) => valuesOf(b.variable))).toEqual(before);
      model.dispose();
    });

    it(`train mode: PyTorch's logits within ${tolerances.logits} and its running statistics after one step`, () => {
      const model = fromFixture();
      const images = tf.tensor4d(io.f32('images_nhwc'), imagesShape);
      const logits = model.logits(images, { training: true });
      expect(maxAbsDiff(valuesOf(logits), io.f32('train_logits'))).toBeLessThan(tolerances.logits);
      let checked = 0;
      for (const buffer of model.buffers) {
        const key = `after.${buffer.name}`;
        if (!io.has(key)) continue;
        checked++;
        if (buffer.kind === 'batch-count') {
          expect(Array.from(buffer.variable.dataSync()), buffer.name).toEqual(io.ints(key));
        } else {
          expect(maxAbsDiff(valuesOf(buffer.variable), io.f32(key)), buffer.name).toBeLessThan(
            tolerances.runningStatistics,
          );
        }
      }
      expect(checked).toBe(
        keys.filter((k) => /running_(mean|var)$|num_batches_tracked$/.test(k)).length,
      );
      tf.dispose([images, logits]);
      model.dispose();
    });
  });

  // cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter kernel.
  describe(`${fixtureName} gradients on cpu (PyTorch fixture)`, () => {
    beforeEach(async () => {
      await useBackend('cpu');
      tensorsBefore = tf.memory().numTensors;
    });

    it(`match PyTorch's for every trainable tensor within ${tolerances.gradients}, and ${tolerances.gradientsRelative} of its scale`, () => {
      const model = fromFixture();
      const images = tf.tensor4d(io.f32('images_nhwc'), imagesShape);
      const labels = tf.tensor1d(io.ints('labels'), 'int32');
      const { value, grads: ours } = tf.variableGrads(
        () => {
          const logits = model.logits(images, { training: true });
          const oneHot = tf.cast(tf.oneHot(labels, model.numClasses), 'float32');
          return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        },
        model.parameters.map((p) => p.variable),
      );
      const problems: string[] = [];
      for (const p of model.parameters) {
        const theirs = grads.f32(`${p.name}.grad`);
        const mine = p.layout.toTorch(valuesOf(ours[p.variable.name] as tf.Tensor));
        const scale = Math.max(...Array.from(theirs, Math.abs));
        const difference = maxAbsDiff(mine, theirs);
        if (
          !(
            difference <= tolerances.gradients && difference <= tolerances.gradientsRelative * scale
          )
        ) {
          problems.push(`${p.name}: max |Δ| ${difference} vs max |grad| ${scale}`);
        }
      }
      expect(problems).toEqual([]);
      expect(model.parameters.length).toBe(trainable.length);
      tf.dispose([images, labels, value, ...Object.values(ours)]);
      model.dispose();
    });
  });
}
