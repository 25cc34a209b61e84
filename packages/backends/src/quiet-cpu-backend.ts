import * as tf from '@tensorflow/tfjs-core';

/**
 * Turns off the cpu backend's one-time advice "Hi, looks like you are running TensorFlow.js
 * in Node.js…", which MathBackendCPU prints on stderr the first time it stores a tensor while
 * its `firstUse` flag is set. Clearing that one flag silences only this advice
 * (`tf.enableProdMode()` would hide every other warning too); whoever runs cpu here chose it,
 * or uses it as the training check's reference.
 */
export function quietCpuBackend(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu?.firstUse === true) cpu.firstUse = false;
}
