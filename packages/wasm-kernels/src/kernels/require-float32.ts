import type * as tf from '@tensorflow/tfjs-core';

/**
 * `tensor` when it is a float32 tensor, else an error naming the kernel and the input: the fused
 * kernels' callers are other packages, which can pass anything to `runKernel`.
 */
export function requireFloat32(
  tensor: tf.TensorInfo | undefined,
  name: string,
  kernelName: string,
): tf.TensorInfo {
  if (tensor == null || tensor.dtype !== 'float32') {
    throw new Error(`${kernelName}: ${name} must be a float32 tensor, got ${tensor?.dtype}.`);
  }
  return tensor;
}
