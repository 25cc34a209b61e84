import * as tf from '@tensorflow/tfjs-core';

/**
 * The exact GELU of `torch.nn.GELU()` (its default, `approximate='none'`):
 * `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))`, with tfjs-core's `erf` and its gradient. The cpu
 * and wasm backends of tfjs 4.22 both have an `Erf` kernel (cpu's is the Abramowitz–Stegun
 * 7.1.26 approximation, within 1.5e-7 of erf); the tests hold both to 2e-6 of PyTorch.
 *
 * @example
 * ```ts
 * const y = gelu(tf.tensor1d([-1, 0, 1]));
 * y.dataSync(); // Float32Array [-0.15865526, 0, 0.84134474]
 * y.dispose();
 * ```
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T);
}
