/**
 * Registers TensorFlow.js core's gradient functions, so `tf.grad`, `tf.variableGrads` and
 * optimizers work for every op. Import it once for its side effect; it exports nothing.
 *
 * In a bundler (Vite, webpack, esbuild, Rollup) this module imports tfjs-core's own
 * `register_all_gradients` file, which the bundler resolves to the application's copy of
 * tfjs-core: the gradients are the installed version's, and no second copy of tfjs-core is
 * shipped. Node resolves the package's `node` export instead (see node.ts), because tfjs-core's
 * per-file ES modules use extensionless imports that Node cannot load unaided.
 *
 * @example
 * ```ts
 * import '@cnnkit/tfjs-gradients';
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 *
 * const x = tf.tensor1d([1, 2, 3]);
 * const dx = tf.grad((v: tf.Tensor) => tf.mean(tf.square(v)))(x);
 * Array.from(dx.dataSync()); // [0.6666667, 1.3333334, 2]
 * ```
 *
 * @packageDocumentation
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
