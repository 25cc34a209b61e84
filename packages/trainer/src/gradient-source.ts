import type {
  ImageBatch,
  LossSettings,
  NamedParameter,
  TrainableClassifier,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors } from './batch-tensors.js';
import { crossEntropyLoss } from './cross-entropy.js';

/** A batch's loss and the gradients of the trained parameters, by parameter name. */
export interface StepGradients {
  readonly value: tf.Scalar;
  readonly grads: ReadonlyMap<string, tf.Tensor>;
}

/**
 * Where {@link train} gets each step's loss and gradients: the model itself on the calling
 * thread (the default, {@link localGradients}), or model replicas that each take a shard of
 * the batch (`ReplicaGradients` of `@cnnkit/trainer/node`).
 */
export interface GradientSource {
  /**
   * The loss of `batch` under `loss` (training mode) and its gradients for `trained`, computed
   * synchronously inside the caller's `tf.tidy` (which owns and releases the tensors).
   */
  compute(batch: ImageBatch, trained: readonly NamedParameter[], loss: LossSettings): StepGradients;
  /**
   * Called with true before each evaluation {@link train} runs and with false after it, so a
   * source that keeps cores busy can hand them to the evaluation meanwhile.
   */
  evaluating?(active: boolean): Promise<void>;
}

/** The one-thread gradient source: `model` on the whole batch. */
export function localGradients(model: TrainableClassifier): GradientSource {
  return {
    compute(batch, trained, loss) {
      const { images, labels } = batchToTensors(batch);
      const { value, grads } = tf.variableGrads(
        () => crossEntropyLoss(model.logits(images, { training: true }), labels, loss),
        trained.map((p) => p.variable),
      );
      return {
        value,
        grads: new Map(trained.map((p) => [p.name, grads[p.variable.name] as tf.Tensor])),
      };
    },
  };
}

/** One shard's loss and gradients (by parameter name), and how many of the batch's images it had. */
export interface ShardGradients {
  readonly size: number;
  readonly loss: number;
  readonly grads: ReadonlyMap<string, Float32Array>;
}

/**
 * Joins the shards of one batch into the loss and gradients of the whole batch: with
 * reduction `'mean'` each shard is weighted by its share of the images (a mean over the batch
 * is the size-weighted mean of the shards' means), with `'sum'` they are added. Float32
 * arithmetic, the shards added in the order given: the same shards give the same bits every
 * time. Plain arrays rather than tensors: a handful of loops cost less than the dozens of
 * small tensor operations the same sums would take.
 *
 * @example
 * ```ts
 * const whole = combineShardGradients(
 *   [
 *     { size: 3, loss: 1, grads: new Map([['w', Float32Array.of(3, 0)]]) },
 *     { size: 1, loss: 5, grads: new Map([['w', Float32Array.of(-1, 4)]]) },
 *   ],
 *   'mean',
 * );
 * whole.loss; // 2
 * whole.grads.get('w'); // Float32Array [2, 1]
 * ```
 */
export function combineShardGradients(
  shards: readonly ShardGradients[],
  reduction: NonNullable<LossSettings['reduction']>,
): { readonly loss: number; readonly grads: ReadonlyMap<string, Float32Array> } {
  const [first] = shards;
  if (!first) throw new RangeError('combineShardGradients: there must be at least one shard.');
  const total = shards.reduce((sum, shard) => sum + shard.size, 0);
  const weightOf = (shard: ShardGradients) =>
    Math.fround(reduction === 'mean' ? shard.size / total : 1);
  const grads = new Map<string, Float32Array>();
  for (const name of first.grads.keys())
    grads.set(name, new Float32Array(first.grads.get(name)?.length ?? 0));
  let loss = 0;
  for (const shard of shards) {
    const weight = weightOf(shard);
    loss = Math.fround(loss + Math.fround(weight * shard.loss));
    for (const [name, sum] of grads) {
      const g = shard.grads.get(name);
      if (g?.length !== sum.length) {
        throw new Error(
          `combineShardGradients: a shard has ${g ? `${g.length} gradient values` : 'no gradient'} for ${name}, the first has ${sum.length}.`,
        );
      }
      // Each value is rounded to float32 once per shard, when stored.
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + weight * (g[i] as number);
    }
  }
  return { loss, grads };
}
