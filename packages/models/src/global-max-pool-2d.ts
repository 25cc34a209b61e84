import * as tf from '@tensorflow/tfjs-core';

/**
 * The largest value of each channel of NHWC maps, `[n, h, w, c]` → `[n, c]`: PyTorch's
 * `F.adaptive_max_pool2d(x, 1).flatten(1)`. On the 3×3 map that airbench's last group leaves
 * from a 32×32 image it equals airbench's `MaxPool2d(3)`, and on ResNet-9's 4×4 map Page's
 * `MaxPool2d(4)`; unlike them it accepts maps of any size, so models take any input size.
 *
 * @example
 * ```ts
 * const y = globalMaxPool2d(tf.tensor4d([1, 5, 3, 2], [1, 2, 2, 1]));
 * y.dataSync(); // Float32Array [5]
 * y.dispose();
 * ```
 */
export function globalMaxPool2d(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.maxPool(x, [h, w], [h, w], 'valid'), [n, c]) as tf.Tensor2D);
}
