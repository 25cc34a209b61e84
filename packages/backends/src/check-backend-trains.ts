import * as tf from '@tensorflow/tfjs-core';
import { cpuReference } from './cpu-reference.js';
import { measureTrainingStep, stepDifferences } from './training-step.js';

/**
 * How far the active backend's numbers may be from the cpu backend's, relative to the
 * largest magnitude of each compared quantity. float32 sums added in another order (GPU
 * shaders, SIMD lanes, fused multiply-adds) stay well below it (cnnkit's wasm kernels differ
 * by about 3e-7); a wrong kernel does not.
 *
 * @example
 * ```ts
 * TRAINING_CHECK_TOLERANCE; // 0.002
 * ```
 */
export const TRAINING_CHECK_TOLERANCE = 2e-3;

/**
 * Checks that the active backend trains: runs one tiny deterministic training step on it
 * (two conv layers, relu, a max pool with negative windows, matMul + bias, softmax
 * cross-entropy, `tf.variableGrads`, an SGD update) and compares the loss, every gradient and
 * the logits after the update with the cpu backend's, within a relative tolerance of 2e-3.
 * The cpu result is measured once per process (the first call switches to cpu and back).
 *
 * Throws `kernels missing for training: …` when the backend lacks a kernel the step needs
 * (checked first: a kernel failing inside `tf.variableGrads` would leak the tensors its tape
 * kept), or `training step differs from the cpu backend: …` naming the first three quantities
 * that differ. Leaves no tensor behind. Needs `@tensorflow/tfjs-backend-cpu` installed.
 *
 * @example
 * ```ts
 * await tf.setBackend('cpu');
 * await checkBackendTrains(); // resolves: cpu is its own reference
 * ```
 */
export async function checkBackendTrains(): Promise<void> {
  const backendName = tf.getBackend();
  const reference = await cpuReference();
  const missing = reference.kernelNames.filter((name) => tf.getKernel(name, backendName) == null);
  if (missing.length > 0) {
    throw new Error(`kernels missing for training: ${missing.join(', ')}`);
  }
  const wrong = stepDifferences(
    await measureTrainingStep(),
    reference.values,
    TRAINING_CHECK_TOLERANCE,
  );
  if (wrong.length > 0) {
    throw new Error(`training step differs from the cpu backend: ${wrong.slice(0, 3).join(', ')}`);
  }
}
