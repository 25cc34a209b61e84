import type { Checkpoint, TrainingMethod } from '@cnnkit/contracts';
import { AirbenchNet } from '@cnnkit/models';
import { decodeSafetensors, tensorValues } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { LookaheadAveraging } from './lookahead-averaging.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { maxAbs, maxDifference, reportDifference } from './test-support/max-difference.js';
import {
  fixtureBatches,
  fixtureTensor,
  RECIPE_RUN,
  recipeTraining,
  stateDictBytes,
} from './test-support/recipe-fixture.js';
import { augmentedLogits } from './test-time-augmentation.js';
import { train } from './train.js';

const method: TrainingMethod = {
  loss: { labelSmoothing: RECIPE_RUN.labelSmoothing, reduction: 'sum' },
  lrSchedule: { type: 'piecewise-linear', points: RECIPE_RUN.lrSchedule },
  lookahead: { every: RECIPE_RUN.lookaheadEvery, decay: 0.95 ** 5, power: 3 },
  trainedForEpochs: { 'whiten.bias': RECIPE_RUN.whiteningBiasEpochs },
};

function startingModel(): AirbenchNet {
  const model = AirbenchNet.create({ seed: 7, widths: RECIPE_RUN.widths });
  model.loadWeights(stateDictBytes('initial.'));
  return model;
}

function fastOptimizer(model: AirbenchNet): SgdOptimizer {
  const { sgd, momentum } = RECIPE_RUN;
  return new SgdOptimizer(model.parameters, {
    lr: sgd.lr,
    momentum,
    nesterov: true,
    weightDecay: sgd.weightDecay,
    groups: [
      { kinds: ['norm-bias'], lrScale: sgd.biasLr / sgd.lr, weightDecay: sgd.biasWeightDecay },
    ],
  });
}

async function runFixture(onCheckpoint?: (step: number, checkpoint: Checkpoint) => void) {
  const model = startingModel();
  const optimizer = fastOptimizer(model);
  const averaging = LookaheadAveraging.forModel(model, method.lookahead as never);
  const losses: number[] = [];
  const result = await train({
    model,
    optimizer,
    averaging,
    method,
    trainData: fixtureBatches(),
    epochs: RECIPE_RUN.epochs,
    checkpointEvery: 2,
    onEvent: (event) => {
      if (event.type === 'batch-end') losses.push(event.loss);
      if (event.type === 'checkpoint') onCheckpoint?.(event.step, event.checkpoint);
    },
  });
  return { model, optimizer, averaging, losses, result };
}

// cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter (@cnnkit/wasm-kernels adds it).
describe('the fast recipe, step by step, against PyTorch (cpu backend)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('trains nine steps like PyTorch: losses, weights, running statistics, frozen bias', async () => {
    const run = await runFixture();
    const torchLosses = Array.from(tensorValues(fixtureTensor('losses')));
    const lossDiff = maxDifference(run.losses, torchLosses);
    reportDifference('fast recipe losses (sums of 8, ~18.4)', lossDiff);
    expect(lossDiff).toBeLessThan(1e-4);

    // Compared in PyTorch's layouts, as saveWeights writes them.
    const saved = decodeSafetensors(run.model.saveWeights());
    for (const [name, tensor] of saved.tensors) {
      const initial = tensorValues(fixtureTensor(`initial.${name}`));
      const expected = tensorValues(fixtureTensor(`final.${name}`));
      const actual = tensorValues(tensor);
      if (tensor.dtype === 'I64') {
        expect(Array.from(actual), name).toEqual(Array.from(expected));
        continue;
      }
      // What training changed, so a tiny update is not hidden by a large weight.
      const change = expected.map((v, i) => v - (initial[i] as number));
      const ours = Array.from(actual, (v, i) => v - (initial[i] as number));
      const scale = maxAbs(change);
      const diff = maxDifference(ours, change);
      reportDifference(`fast recipe Δ${name} (|Δ| ≤ ${scale.toExponential(1)})`, diff);
      expect(diff, name).toBeLessThanOrEqual(1e-4 * scale + 5e-7);
    }
    // The whitening bias trained in epoch 1 only: it moved, then stayed (lookahead included).
    expect(maxAbs(tensorValues(fixtureTensor('final.whiten.bias')))).toBeGreaterThan(0);
    run.averaging.dispose();
    run.optimizer.dispose();
    run.model.dispose();
  }, 60_000);

  it("gives PyTorch's test-time-augmented logits at every level", () => {
    const model = startingModel();
    model.loadWeights(stateDictBytes('final.'));
    const images = tf.tensor(
      tensorValues(fixtureTensor('tta.images')) as Float32Array,
      fixtureTensor('tta.images').shape as [number, number, number, number],
    ) as tf.Tensor4D;
    for (const level of ['none', 'mirror', 'mirror-translate'] as const) {
      const logits = augmentedLogits(model, images, level);
      const expected = tensorValues(fixtureTensor(`tta.${level}`));
      const diff = maxDifference(logits.dataSync(), expected);
      reportDifference(
        `TTA ${level} logits (|logit| ≤ ${maxAbs(expected).toExponential(1)})`,
        diff,
      );
      expect(diff).toBeLessThan(1e-6);
      logits.dispose();
    }
    // The levels differ, so each one is really checked.
    expect(
      maxDifference(
        tensorValues(fixtureTensor('tta.none')),
        tensorValues(fixtureTensor('tta.mirror-translate')),
      ),
    ).toBeGreaterThan(1e-4);
    images.dispose();
    model.dispose();
  });

  it('resumes bit-exactly from mid-run checkpoints (BatchNorm buffers, momentum, average, schedule)', async () => {
    const checkpoints = new Map<number, Checkpoint>();
    const reference = await runFixture((step, c) => checkpoints.set(step, c));
    expect([...checkpoints.keys()]).toEqual([2, 3, 4, 6, 8, 9]);
    for (const step of [2, 4]) {
      const model = AirbenchNet.create({ seed: 99, widths: RECIPE_RUN.widths });
      const checkpoint = checkpoints.get(step) as Checkpoint;
      const restored = restoreCheckpoint(
        { ...checkpoint, state: JSON.parse(JSON.stringify(checkpoint.state)) },
        model,
      );
      expect(restored.method).toEqual(method);
      const resumed = await train({
        model,
        optimizer: restored.optimizer,
        averaging: restored.averaging as LookaheadAveraging,
        method: restored.method,
        start: restored.state,
        trainData: fixtureBatches(),
        epochs: RECIPE_RUN.epochs,
      });
      expect(resumed.state).toEqual(reference.result.state);
      expect(model.saveWeights()).toEqual(reference.model.saveWeights());
      expect(restored.averaging?.saveAverages()).toEqual(reference.averaging.saveAverages());
      restored.averaging?.dispose();
      restored.optimizer.dispose();
      model.dispose();
    }
    // The final checkpoint stores the run's method and its average.
    const last = createCheckpoint({
      model: reference.model,
      optimizer: reference.optimizer,
      state: reference.result.state,
      method,
      averaging: reference.averaging,
    });
    expect(last.state.method).toEqual(method);
    expect(last.averaging).toEqual(reference.averaging.saveAverages());
    expect(recipeTraining.metadata.torch).toMatch(/^1\.13/);
    reference.averaging.dispose();
    reference.optimizer.dispose();
    reference.model.dispose();
  }, 120_000);
});
