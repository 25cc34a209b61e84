import * as tf from '@tensorflow/tfjs-core';

/**
 * `torch.nn.MaxPool2d(kernelSize)` on NHWC maps: windows of `kernelSize` × `kernelSize`,
 * stride `kernelSize`, no padding; rows and columns left over at the bottom and right are
 * dropped (a 7×7 map gives 3×3 with kernel 2, 2×2 with kernel 3).
 *
 * @example
 * ```ts
 * const y = maxPool2d(tf.zeros([1, 7, 7, 4]), 3); // shape [1, 2, 2, 4]
 * y.dispose();
 * ```
 */
export function maxPool2d(x: tf.Tensor4D, kernelSize: number): tf.Tensor4D {
  return tf.maxPool(x, kernelSize, kernelSize, 'valid');
}
