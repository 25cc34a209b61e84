import type * as tf from '@tensorflow/tfjs-core';

/** A trainable tensor and its PyTorch state_dict key (e.g. `conv1.weight`). */
export interface NamedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * What a training loop needs from an image classifier. @cnnkit/trainer declares the same
 * shape; it is repeated here so that models never depend on the trainer.
 */
export interface TrainableClassifier {
  readonly numClasses: number;
  /** In PyTorch state_dict order. */
  readonly parameters: readonly NamedParameter[];
  /** NHWC float32 images → `[batch, numClasses]` logits (no softmax). */
  logits(images: tf.Tensor4D): tf.Tensor2D;
  /** `.safetensors` bytes with PyTorch names and layouts. */
  saveWeights(): Uint8Array;
  /** Inverse of {@link TrainableClassifier.saveWeights}; throws one error listing every mismatch. */
  loadWeights(bytes: Uint8Array): void;
  dispose(): void;
}

/**
 * How one parameter is stored in tfjs and in PyTorch, and how to convert between the two
 * row-major layouts. Models declare a list of these instead of writing conversion code.
 */
export interface ParameterLayout {
  /** PyTorch state_dict key. */
  readonly name: string;
  readonly tfjsShape: readonly number[];
  readonly torchShape: readonly number[];
  /** PyTorch's fan_in, which sets the default init bound 1/√fan_in. */
  readonly fanIn: number;
  /** Values in tfjs layout → values in PyTorch layout (a new array). */
  toTorch(tfjsValues: Float32Array): Float32Array;
  /** Values in PyTorch layout → values in tfjs layout (a new array). */
  fromTorch(torchValues: Float32Array): Float32Array;
}
