import * as tf from '@tensorflow/tfjs-core';

/** `tf.setBackend(name)`, throwing instead of returning false when it cannot initialise it. */
export async function activateBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) {
    throw new Error(`tf.setBackend('${name}') could not initialise it`);
  }
}
