import type { ImageBatch, TrainableClassifier } from '@cnnkit/contracts';
import { createModel } from '@cnnkit/models';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GradientSource, localGradients, type StepGradients } from './gradient-source.js';
import { ReplicaGradients, shardSizes } from './replica-gradients.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { maxDifference } from './test-support/max-difference.js';
import { train } from './train.js';

// The replica threads run this built module (worker threads load files with Node's loader).
const worker = new URL('./test-support/simple-cnn-replica.mjs', import.meta.url);
const SHAPE = [32, 32, 3] as const;

function randomBatch(size: number, seed: number): ImageBatch {
  const rng = new Rng(seed);
  return {
    pixels: Float32Array.from({ length: size * 32 * 32 * 3 }, () => rng.uniform(-1, 1)),
    labels: Int32Array.from({ length: size }, () => rng.int(10)),
    size,
    height: 32,
    width: 32,
    channels: 3,
  };
}

/** The loss and gradients as plain arrays (their tensors released). */
function valuesOf(
  source: GradientSource,
  model: TrainableClassifier,
  ...args: Parameters<GradientSource['compute']>
) {
  tf.engine().startScope();
  try {
    const { value, grads }: StepGradients = source.compute(...args);
    return {
      loss: value.dataSync()[0] as number,
      grads: new Map([...grads].map(([name, g]) => [name, g.dataSync() as Float32Array])),
      names: model.parameters.map((p) => p.name).filter((n) => grads.has(n)),
    };
  } finally {
    tf.engine().endScope();
  }
}

async function weightsAfterTraining(replicaCount: number, seed: number) {
  const model = createModel('simple-cnn', { seed });
  const replicas =
    replicaCount > 1
      ? await ReplicaGradients.start({
          model,
          worker,
          replicas: replicaCount,
          maxBatchSize: 4,
          imageShape: SHAPE,
          workerOptions: { seed },
          stepTimeoutMs: 120_000,
        })
      : undefined;
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.01, momentum: 0.9 });
  // Small batches: SimpleCNN trains at tens of images a second on the cpu backend.
  const batches = [randomBatch(4, 1), randomBatch(4, 2), randomBatch(3, 3)];
  const trainData = {
    batchesPerEpoch: batches.length,
    imagesPerEpoch: 11,
    async *batches(_epoch: number, start = 0) {
      yield* batches.slice(start);
    },
  };
  await train({
    model,
    optimizer,
    trainData,
    epochs: 1,
    checkpointAtEpochEnd: false,
    ...(replicas ? { gradients: replicas } : {}),
  });
  await replicas?.close();
  const weights = model.parameters.map((p) => p.variable.dataSync().slice());
  optimizer.dispose();
  model.dispose();
  return weights;
}

describe('ReplicaGradients (cpu backend, SimpleCNN on 2 and 3 replicas)', () => {
  let model: TrainableClassifier;
  let two: ReplicaGradients;
  let three: ReplicaGradients;

  beforeAll(async () => {
    await useBackend('cpu');
    model = createModel('simple-cnn', { seed: 4 });
    const options = {
      model,
      worker,
      maxBatchSize: 12,
      imageShape: SHAPE,
      workerOptions: { seed: 4 },
      stepTimeoutMs: 120_000,
    };
    [two, three] = await Promise.all([
      ReplicaGradients.start({ ...options, replicas: 2 }),
      ReplicaGradients.start({ ...options, replicas: 3 }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([two?.close(), three?.close()]);
    model?.dispose();
  });

  it('cuts batches as evenly as it can, the calling thread first', () => {
    expect(shardSizes(64, 2)).toEqual([32, 32]);
    expect(shardSizes(10, 3)).toEqual([4, 3, 3]);
    expect(shardSizes(1, 2)).toEqual([1, 0]);
  });

  it.each([
    ['mean', {}],
    ['summed, label-smoothed', { labelSmoothing: 0.2, reduction: 'sum' as const }],
  ])("gives the whole batch's %s loss and gradients, within float rounding", (_name, loss) => {
    const batch = randomBatch(11, 7);
    const whole = valuesOf(localGradients(model), model, batch, model.parameters, loss);
    for (const replicas of [two, three]) {
      const split = valuesOf(replicas, model, batch, model.parameters, loss);
      expect(split.loss).toBeCloseTo(whole.loss, 4);
      for (const [name, g] of whole.grads) {
        const scale = Math.max(...Array.from(g, Math.abs));
        expect(maxDifference(split.grads.get(name) as Float32Array, g) / scale).toBeLessThan(1e-4);
      }
    }
  });

  it('differentiates only the parameters it is given', () => {
    const head = model.parameters.slice(-2);
    const split = valuesOf(two, model, randomBatch(6, 8), head, {});
    const whole = valuesOf(localGradients(model), model, randomBatch(6, 8), head, {});
    expect(split.names).toEqual(head.map((p) => p.name));
    expect(
      maxDifference(
        split.grads.get('fc3.bias') as Float32Array,
        whole.grads.get('fc3.bias') as Float32Array,
      ),
    ).toBeLessThan(1e-6);
  });

  it('gives the same bits every time for the same batch and replicas', () => {
    const batch = randomBatch(12, 9);
    const a = valuesOf(three, model, batch, model.parameters, {});
    const b = valuesOf(three, model, batch, model.parameters, {});
    expect(b.loss).toBe(a.loss);
    for (const [name, g] of a.grads) expect(b.grads.get(name)).toEqual(g);
  });

  it('trains through train(): the same weights run after run, close to one thread', async () => {
    const local = await weightsAfterTraining(1, 5);
    const first = await weightsAfterTraining(2, 5);
    const second = await weightsAfterTraining(2, 5);
    first.forEach((w, i) => {
      expect(second[i]).toEqual(w);
      expect(maxDifference(w, local[i] as Float32Array)).toBeLessThan(1e-4);
    });
  }, 180_000);

  it('refuses a batch larger than it was started for, and images of another shape', () => {
    expect(() =>
      tf.tidy(() => two.compute(randomBatch(14, 1), model.parameters, {}).value),
    ).toThrow(/larger than maxBatchSize 12/);
    const small = {
      ...randomBatch(2, 1),
      height: 16,
      width: 16,
      pixels: new Float32Array(2 * 16 * 16 * 3),
    };
    expect(() => tf.tidy(() => two.compute(small, model.parameters, {}).value)).toThrow(/16×16×3/);
  });
});

describe('ReplicaGradients.start', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("says why a replica could not start, with the worker module's own error", async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    await expect(
      ReplicaGradients.start({
        model,
        worker,
        replicas: 2,
        maxBatchSize: 4,
        imageShape: SHAPE,
        workerOptions: { seed: 0, fail: 'no backend here' },
      }),
    ).rejects.toThrow(/a replica thread could not start .*no backend here/);
    model.dispose();
  }, 120_000);

  it('refuses models with buffers (BatchNorm statistics) and fewer than 2 replicas', async () => {
    const net = createModel('airbench', { seed: 0 });
    await expect(
      ReplicaGradients.start({
        model: net,
        worker,
        replicas: 2,
        maxBatchSize: 4,
        imageShape: SHAPE,
      }),
    ).rejects.toThrow(/has buffers .*kernel threads instead/);
    await expect(
      ReplicaGradients.start({
        model: net,
        worker,
        replicas: 1,
        maxBatchSize: 4,
        imageShape: SHAPE,
      }),
    ).rejects.toThrow(/replicas must be a whole number >= 2/);
    net.dispose();
  });

  it('stops its threads on close(); compute() then says so', async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    const replicas = await ReplicaGradients.start({
      model,
      worker,
      replicas: 2,
      maxBatchSize: 4,
      imageShape: SHAPE,
      workerOptions: { seed: 0 },
    });
    await replicas.close();
    await replicas.close();
    expect(() => replicas.compute(randomBatch(2, 0), model.parameters, {})).toThrow(/after close/);
    model.dispose();
  }, 120_000);
});
