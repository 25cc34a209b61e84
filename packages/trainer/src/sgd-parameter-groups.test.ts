import type { NamedParameter, TensorKind } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import pieces from './fixtures/recipe-pieces.json' with { type: 'json' };
import { learningRateFactor } from './learning-rate-schedule.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { maxDifference, reportDifference } from './test-support/max-difference.js';

const fixture = pieces.sgdGroups;
const airbenchSchedule = {
  type: 'piecewise-linear',
  points: [
    [0, 0.2],
    [0.23, 1],
    [1, 0.07],
  ],
} as const;

function makeParameters(): NamedParameter[] {
  return fixture.parameters.map(({ name, shape, kind }) => ({
    name,
    kind: kind as TensorKind,
    variable: tf.tidy(() =>
      tf.variable(tf.tensor(fixture.initial[name as keyof typeof fixture.initial], shape)),
    ),
  }));
}

describe.each(TEST_BACKENDS)('SgdOptimizer parameter groups (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("matches torch.optim.SGD with airbench's two groups, LambdaLR and a frozen parameter", () => {
    const { settings } = fixture;
    const parameters = makeParameters();
    // airbench's groups: BatchNorm biases at lr × 64 with their own weight decay.
    const sgd = new SgdOptimizer(parameters, {
      lr: settings.lr,
      momentum: fixture.momentum,
      nesterov: true,
      weightDecay: settings.weightDecay,
      groups: [
        {
          kinds: ['norm-bias'],
          lrScale: settings.biasLr / settings.lr,
          weightDecay: settings.biasWeightDecay,
        },
      ],
    });
    fixture.grads.forEach((stepGrads, step) => {
      tf.tidy(() => {
        const grads = new Map(
          Object.entries(stepGrads).map(([name, values]) => {
            const shape = fixture.parameters.find((p) => p.name === name)?.shape as number[];
            return [name, tf.tensor(values, shape)];
          }),
        );
        const skip = step >= fixture.frozenFrom ? new Set([fixture.frozen]) : undefined;
        sgd.step(grads, undefined, {
          lrFactor: learningRateFactor(airbenchSchedule, step, fixture.grads.length),
          ...(skip ? { skip } : {}),
        });
      });
    });
    const buffers = sgd.exportMomentumBuffers();
    for (const { name, variable } of parameters) {
      const expected = fixture.final[name as keyof typeof fixture.final];
      const diff = maxDifference(variable.dataSync(), expected);
      const bufferDiff = maxDifference(
        buffers.get(name)?.values ?? [],
        fixture.momentumBuffers[name as keyof typeof fixture.momentumBuffers],
      );
      reportDifference(`${backend} SGD groups ${name}`, diff);
      reportDifference(`${backend} SGD groups ${name} momentum`, bufferDiff);
      // Both sides float32; the lr·factor product is rounded differently (double vs float).
      expect(diff).toBeLessThan(1e-6);
      expect(bufferDiff).toBeLessThan(1e-6);
      // The frozen parameter really moved before it was frozen and the others after.
      expect(Array.from(variable.dataSync())).not.toEqual(
        fixture.initial[name as keyof typeof fixture.initial],
      );
    }
    sgd.dispose();
    for (const p of parameters) p.variable.dispose();
  });

  it('leaves a skipped parameter and its momentum exactly as they were', () => {
    const parameters = makeParameters();
    const sgd = new SgdOptimizer(parameters, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    const frozen = parameters.find((p) => p.name === 'fc.bias') as NamedParameter;
    const before = Array.from(frozen.variable.dataSync());
    tf.tidy(() => {
      const grads = new Map(parameters.map((p) => [p.name, tf.onesLike(p.variable)]));
      grads.delete('fc.bias');
      sgd.step(grads, undefined, { skip: new Set(['fc.bias']) });
    });
    expect(Array.from(frozen.variable.dataSync())).toEqual(before);
    expect(Array.from(sgd.exportMomentumBuffers().get('fc.bias')?.values ?? [])).toEqual([0, 0]);
    expect(Array.from(sgd.exportMomentumBuffers().get('norm.bias')?.values ?? [])).not.toEqual([
      0, 0, 0,
    ]);
    sgd.dispose();
    for (const p of parameters) p.variable.dispose();
  });

  it('is bit-identical to the plain optimizer with one group at scale 1 and factor 1', () => {
    const a = makeParameters();
    const b = makeParameters();
    const plain = new SgdOptimizer(a, { lr: 0.03, momentum: 0.9, weightDecay: 0.01 });
    const grouped = new SgdOptimizer(b, {
      lr: 0.03,
      momentum: 0.9,
      weightDecay: 0.01,
      groups: [{ kinds: ['weight', 'bias', 'norm-bias'], lrScale: 1 }],
    });
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => {
        const grads = (ps: NamedParameter[]) =>
          new Map(ps.map((p, i) => [p.name, tf.fill(p.variable.shape, 0.1 * (i + step + 1))]));
        plain.step(grads(a));
        grouped.step(grads(b), undefined, { lrFactor: 1 });
      });
    }
    a.forEach((p, i) => {
      expect(b[i]?.variable.dataSync()).toEqual(p.variable.dataSync());
    });
    for (const o of [plain, grouped]) o.dispose();
    for (const p of [...a, ...b]) p.variable.dispose();
  });

  it('rejects bad groups and factors, quoting the value', () => {
    const parameters = makeParameters();
    expect(
      () => new SgdOptimizer(parameters, { lr: 0.1, groups: [{ names: ['conv.wieght'] }] }),
    ).toThrow(/name parameters the model does not have: conv.wieght/);
    expect(
      () => new SgdOptimizer(parameters, { lr: 0.1, groups: [{ kinds: ['bias'], lrScale: -2 }] }),
    ).toThrow(/group 0 lrScale must be a finite number >= 0, got -2/);
    const sgd = new SgdOptimizer(parameters, { lr: 0.1 });
    tf.tidy(() => {
      const grads = new Map(parameters.map((p) => [p.name, tf.onesLike(p.variable)]));
      expect(() => sgd.step(grads, undefined, { lrFactor: Number.NaN })).toThrow(
        /lrFactor must be a finite number >= 0, got NaN/,
      );
    });
    sgd.dispose();
    for (const p of parameters) p.variable.dispose();
  });
});
