import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/airbench-cifar10', '@cnnkit/airbench-cifar10/node'],
  // In a browser a bundler turns airbenchCifar10WeightsUrl into an http(s) URL that fetch
  // reads; Node's fetch refuses file: URLs, so here fetch reads those from disk.
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import { readFile } from 'node:fs/promises';
    await tf.setBackend('cpu');
    const fetch = async (url) =>
      String(url).startsWith('file:') ? new Response(await readFile(url)) : globalThis.fetch(url);
  `,
});
