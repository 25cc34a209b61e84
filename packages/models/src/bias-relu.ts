import '@cnnkit/tfjs-gradients';
import {
  biasReluGradKernel,
  biasReluKernel,
  hasFusedKernel,
  runFusedKernel,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';

function gradients(dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (hasFusedKernel(biasReluGradKernel)) return runFusedKernel(biasReluGradKernel, { dy, y });
  const dx = tf.mul(dy, tf.step(y));
  const rowAxes = Array.from({ length: y.rank - 1 }, (_, i) => i);
  return [dx, tf.sum(dx, rowAxes)];
}

// Registered on first use rather than on import, so that no bundler can drop it as an unused
// side effect; tfjs looks gradients up by kernel name when it records the forward call.
function registerGradientOnce(): void {
  if (tf.getGradient(biasReluKernel.kernelName) != null) return;
  tf.registerGradient({
    kernelName: biasReluKernel.kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      // Both gradients come from one computation, done here rather than in the closures: the
      // engine runs each closure in its own tidy, which would dispose the other's tensor.
      const [dx, dBias] = gradients(dy as tf.Tensor, saved[0] as tf.Tensor);
      return { x: () => dx, bias: () => dBias };
    },
  });
}

/**
 * `relu(x + bias)` for a layer's output `x` (bias along the last axis), with the gradient of
 * `tf.relu(tf.add(x, bias))`. On a backend with the fused kernel `biasReluKernel` of
 * `@cnnkit/contracts` (`@cnnkit/wasm-kernels` registers one for 'wasm') it is one kernel call,
 * and one more for the gradient (`biasReluGradKernel`), instead of eight; elsewhere exactly those
 * two tfjs ops. This package never imports backend code.
 *
 * @example
 * ```ts
 * const x = tf.tensor2d([[1, -2], [-3, 4]]);
 * const bias = tf.tensor1d([0.5, 1]);
 * const y = biasRelu(x, bias);
 * Array.from(y.dataSync()); // [1.5, 0, 0, 5]
 * tf.dispose([x, bias, y]);
 * ```
 */
export function biasRelu<T extends tf.Tensor>(x: T, bias: tf.Tensor): T {
  if (!hasFusedKernel(biasReluKernel)) return tf.tidy(() => tf.relu(tf.add(x, bias)) as T);
  registerGradientOnce();
  return runFusedKernel(biasReluKernel, { x, bias })[0] as T;
}
