import '@cnnkit/tfjs-gradients';
import { geluGradKernel, geluKernel, hasFusedKernel, runFusedKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';

/** Φ(x) = 0.5 · (1 + erf(x / √2)), the standard normal distribution function, from tfjs ops. */
function normalCdfFromOps(x: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** dy · (Φ(x) + x · φ(x)), φ the standard normal density, from tfjs ops. */
function geluGradFromOps(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const density = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(x))));
  return tf.mul(dy, tf.add(normalCdfFromOps(x), tf.mul(x, density)));
}

// Registered on first use rather than on import, so that no bundler can drop it as an unused
// side effect; tfjs looks gradients up by kernel name when it records the forward call.
function registerGradientOnce(): void {
  if (tf.getGradient(geluKernel.kernelName) != null) return;
  tf.registerGradient({
    kernelName: geluKernel.kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const x = saved[0] as tf.Tensor;
      return {
        x: () =>
          hasFusedKernel(geluGradKernel)
            ? runFusedKernel(geluGradKernel, { dy: dy as tf.Tensor, x })[0]
            : geluGradFromOps(dy as tf.Tensor, x),
      };
    },
  });
}

/**
 * The exact GELU of `torch.nn.GELU()` (its default, `approximate='none'`):
 * `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))`. On a backend with the fused kernel `geluKernel` of
 * `@cnnkit/contracts` (`@cnnkit/wasm-kernels` registers one for 'wasm') it is one kernel call,
 * and one more for the gradient (`geluGradKernel`), which saves only x; elsewhere tfjs-core's
 * `erf` and ops, with their gradient. The cpu and wasm backends of tfjs 4.22 both have an `Erf`
 * kernel (cpu's is the Abramowitz–Stegun 7.1.26 approximation, within 1.5e-7 of erf, which the
 * fused kernels use too); the tests hold both to 2e-6 of PyTorch.
 *
 * @example
 * ```ts
 * const y = gelu(tf.tensor1d([-1, 0, 1]));
 * y.dataSync(); // Float32Array [-0.15865526, 0, 0.84134474]
 * y.dispose();
 * ```
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  // x · (0.5 · (1 + erf)) rounds once, like 0.5 · x · (1 + erf): halving is exact.
  if (!hasFusedKernel(geluKernel)) return tf.tidy(() => tf.mul(x, normalCdfFromOps(x)) as T);
  registerGradientOnce();
  return runFusedKernel(geluKernel, { x })[0] as T;
}
