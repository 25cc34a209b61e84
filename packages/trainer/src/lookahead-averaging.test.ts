import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import pieces from './fixtures/recipe-pieces.json' with { type: 'json' };
import { LookaheadAveraging } from './lookahead-averaging.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxDifference, reportDifference } from './test-support/max-difference.js';

const fixture = pieces.lookahead;
const airbench = { every: 5, decay: 0.95 ** 5, power: 3 };

describe.each(TEST_BACKENDS)('LookaheadAveraging (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("gives airbench's float32 alpha_schedule at every update step", () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([1])));
    const averaging = new LookaheadAveraging([{ name: 'w', variable: w }], airbench);
    for (const [step, decay] of Object.entries(fixture.decays)) {
      expect(averaging.decayAt(Number(step), fixture.totalSteps)).toBe(decay);
    }
    averaging.dispose();
    w.dispose();
  });

  it.each(['265', '520'] as const)(
    "moves like PyTorch's lerp_ and resets the weights to the average (step %s)",
    (step) => {
      const w = tf.tidy(() => tf.variable(tf.tensor1d(fixture.ema)));
      const averaging = new LookaheadAveraging([{ name: 'w', variable: w }], airbench);
      tf.tidy(() => w.assign(tf.tensor1d(fixture.current)));
      averaging.update(averaging.decayAt(Number(step), fixture.totalSteps));
      const diff = maxDifference(w.dataSync(), fixture.lerp[step]);
      reportDifference(`${backend} lookahead lerp at step ${step}`, diff);
      expect(diff).toBeLessThan(1e-6);
      // The average moved too: a second update with decay 1 changes nothing.
      const after = Array.from(w.dataSync());
      tf.tidy(() => w.assign(tf.zerosLike(w)));
      averaging.finish();
      expect(Array.from(w.dataSync())).toEqual(after);
      averaging.dispose();
      w.dispose();
    },
  );

  it('changes nothing where the gate is false', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const averaging = new LookaheadAveraging([{ name: 'w', variable: w }], airbench);
    tf.tidy(() => w.assign(tf.tensor1d([5, 6])));
    const no = tf.scalar(false, 'bool');
    averaging.update(0.5, no);
    expect(Array.from(w.dataSync())).toEqual([5, 6]);
    averaging.finish();
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    tf.dispose([no, w]);
    averaging.dispose();
  });

  it('skips integer tensors and round-trips its averages through bytes', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const count = tf.tidy(() => tf.variable(tf.scalar(3, 'int32'), false));
    const tensors = [
      { name: 'w', variable: w },
      { name: 'bn.num_batches_tracked', variable: count },
    ];
    const averaging = new LookaheadAveraging(tensors, airbench);
    tf.tidy(() => w.assign(tf.tensor1d([3, 4])));
    averaging.update(0.5);
    const bytes = averaging.saveAverages();
    const copy = new LookaheadAveraging(tensors, airbench);
    copy.loadAverages(bytes);
    expect(copy.saveAverages()).toEqual(bytes);
    tf.dispose([w, count]);
    const other = tf.tidy(() => tf.variable(tf.zeros([2])));
    const mismatched = new LookaheadAveraging([{ name: 'v', variable: other }], airbench);
    expect(() => mismatched.loadAverages(bytes, 'state')).toThrow(
      /state does not match the model: missing \[v\], unexpected \[w\]/,
    );
    for (const a of [averaging, copy, mismatched]) a.dispose();
    other.dispose();
  });

  it('rejects bad settings, quoting the value', () => {
    expect(() => new LookaheadAveraging([], { every: 0, decay: 0.5, power: 3 })).toThrow(
      /every must be an integer >= 1, got 0/,
    );
    expect(() => new LookaheadAveraging([], { every: 5, decay: 1.5, power: 3 })).toThrow(
      /decay must be a number from 0 to 1, got 1.5/,
    );
  });
});
