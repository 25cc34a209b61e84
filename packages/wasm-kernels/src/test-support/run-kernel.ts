import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs the kernel `kernelName` on the active backend and returns its one output. `attrs` is
 * typed loosely on purpose: tests pass the attributes tfjs's ops would (tuples, explicit
 * paddings, undefined for an unset option), which tfjs-core's `NamedAttrMap` does not describe.
 */
export function runKernel(kernelName: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}
