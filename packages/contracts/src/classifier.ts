import type * as tf from '@tensorflow/tfjs-core';

/**
 * What a saved tensor is in its layer, for code that treats kinds differently: an optimizer
 * that gives BatchNorm biases a higher learning rate, or weight averaging that skips counters.
 * Names follow PyTorch: `running-mean`/`running-var` are BatchNorm's `running_mean`/`running_var`
 * buffers and `batch-count` its int64 `num_batches_tracked`.
 */
export type TensorKind =
  | 'weight'
  | 'bias'
  | 'norm-weight'
  | 'norm-bias'
  | 'running-mean'
  | 'running-var'
  | 'batch-count';

/** One tensor of a model, named by its PyTorch `state_dict` key (e.g. `conv1.weight`). */
export interface NamedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
  /** What the tensor is; absent on models that do not say (treat it as a weight or bias by name). */
  readonly kind?: TensorKind;
}

/** How {@link TrainableClassifier.logits} runs. */
export interface LogitsOptions {
  /**
   * PyTorch's `model.train()` when true: BatchNorm layers normalise with the batch's own
   * statistics and update their running statistics (one update per call). False (the default)
   * is `model.eval()`: running statistics, nothing changes. Models without such layers give
   * the same logits either way.
   */
  readonly training?: boolean;
}

/**
 * What a training loop needs from an image classifier: parameters, a forward pass and weights
 * as bytes. `@cnnkit/models` implements it; `@cnnkit/trainer` trains anything that does.
 *
 * Models with BatchNorm add two optional members: `logits(images, { training: true })` for
 * training steps, and `buffers`, the saved tensors that are not trained (running statistics,
 * frozen weights). Both are part of `saveWeights`, so checkpoints restore them exactly.
 *
 * @example
 * ```ts
 * // A training step on any classifier: batch statistics when the model has BatchNorm.
 * function trainingLogits(model: TrainableClassifier, images: tf.Tensor4D): tf.Tensor2D {
 *   return model.logits(images, { training: true });
 * }
 * // Every tensor a checkpoint or weight average must carry, trained or not.
 * function savedTensors(model: TrainableClassifier): readonly NamedParameter[] {
 *   return [...model.parameters, ...(model.buffers ?? [])];
 * }
 * ```
 */
export interface TrainableClassifier {
  readonly numClasses: number;
  /** The trainable tensors, in PyTorch `state_dict` order. */
  readonly parameters: readonly NamedParameter[];
  /**
   * Saved tensors that gradient steps must not change — BatchNorm running statistics and
   * batch counts (`int32` variables, int64 in the file), frozen weights such as a BatchNorm
   * scale fixed at 1 — in `state_dict` order. Absent or empty: the model has none.
   */
  readonly buffers?: readonly NamedParameter[];
  /** NHWC float32 images → `[batch, numClasses]` logits (no softmax); evaluation mode by default. */
  logits(images: tf.Tensor4D, options?: LogitsOptions): tf.Tensor2D;
  /** `.safetensors` bytes with PyTorch names and layouts: parameters and buffers. */
  saveWeights(): Uint8Array;
  /** Inverse of {@link TrainableClassifier.saveWeights}; throws one error listing every mismatch. */
  loadWeights(bytes: Uint8Array): void;
  dispose(): void;
}
