import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

/** Backends the numerical tests run on; cpu is the reference. */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** Switches to `name`, failing loudly if it cannot start. */
export async function useBackend(name: (typeof TEST_BACKENDS)[number]): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`The ${name} backend did not start.`);
}
