// A replica thread for replica-gradients.test.ts: SimpleCNN on the cpu backend. Plain
// JavaScript importing the built package, because worker threads load files with Node's
// own loader, not vitest's.
import '@tensorflow/tfjs-backend-cpu';
import { createModel } from '@cnnkit/models';
import { serveTrainingReplica } from '@cnnkit/trainer/node';
import * as tf from '@tensorflow/tfjs-core';

/** @param {{ seed: number, fail?: string }} options */
async function createReplica({ seed, fail }) {
  if (fail) throw new Error(fail);
  tf.env().set('IS_NODE', false); // silences the "install tfjs-node" banner
  await tf.setBackend('cpu');
  return createModel('simple-cnn', { seed });
}

await serveTrainingReplica(/** @type {any} */ (createReplica));
