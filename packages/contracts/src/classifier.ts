import type * as tf from '@tensorflow/tfjs-core';

/** One trainable tensor of a model, named by its PyTorch `state_dict` key (e.g. `conv1.weight`). */
export interface NamedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * What a training loop needs from an image classifier: parameters, a forward pass and weights
 * as bytes. `@cnnkit/models` implements it; `@cnnkit/trainer` trains anything that does.
 */
export interface TrainableClassifier {
  readonly numClasses: number;
  /** In PyTorch `state_dict` order. */
  readonly parameters: readonly NamedParameter[];
  /** NHWC float32 images → `[batch, numClasses]` logits (no softmax). */
  logits(images: tf.Tensor4D): tf.Tensor2D;
  /** `.safetensors` bytes with PyTorch names and layouts. */
  saveWeights(): Uint8Array;
  /** Inverse of {@link TrainableClassifier.saveWeights}; throws one error listing every mismatch. */
  loadWeights(bytes: Uint8Array): void;
  dispose(): void;
}
