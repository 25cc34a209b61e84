import * as tf from '@tensorflow/tfjs-core';

/**
 * The name of an optional kernel for {@link biasRelu}: inputs `x` (float32, last axis
 * `channels`) and `bias` (float32 `[channels]`), output `relu(x + bias)` (NaN stays NaN). When
 * the active backend has it (`@cnnkit/wasm-kernels` registers one for 'wasm'), a layer's bias
 * and activation are one kernel call, and its gradient one more ({@link biasReluGradKernelName}),
 * instead of eight; this package never imports backend code.
 */
export const biasReluKernelName = 'CnnkitBiasRelu';

/**
 * The name of the optional gradient kernel of {@link biasReluKernelName}: inputs `dy` and `y`
 * (the forward output), outputs `dx = dy · step(y)` (0 where y ≤ 0, NaN where y is NaN, like
 * tfjs's relu gradient) and `dBias`, the sum of dx over every axis but the last. Without it the
 * gradient is computed with tfjs ops.
 */
export const biasReluGradKernelName = 'CnnkitBiasReluGrad';

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

function gradients(dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (hasKernel(biasReluGradKernelName)) {
    return tf.engine().runKernel(biasReluGradKernelName, { dy, y }) as [tf.Tensor, tf.Tensor];
  }
  const dx = tf.mul(dy, tf.step(y));
  const rowAxes = Array.from({ length: y.rank - 1 }, (_, i) => i);
  return [dx, tf.sum(dx, rowAxes)];
}

// Registered on first use rather than on import, so that no bundler can drop it as an unused
// side effect; tfjs looks gradients up by kernel name when it records the forward call.
function registerGradientOnce(): void {
  if (tf.getGradient(biasReluKernelName) != null) return;
  tf.registerGradient({
    kernelName: biasReluKernelName,
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
 * `tf.relu(tf.add(x, bias))`. On a backend with the {@link biasReluKernelName} kernel it is one
 * fused kernel call (and one for the gradient); elsewhere exactly those two tfjs ops.
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
  if (!hasKernel(biasReluKernelName)) return tf.tidy(() => tf.relu(tf.add(x, bias)) as T);
  registerGradientOnce();
  return tf.engine().runKernel(biasReluKernelName, { x, bias }) as T;
}
