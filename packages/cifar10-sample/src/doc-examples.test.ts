import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/cifar10-sample', '@cnnkit/cifar10-sample/node'],
  // In a browser a bundler turns cifar10SampleUrl into an http(s) URL that fetch reads; Node's
  // fetch refuses file: URLs, so here fetch reads those from disk.
  context: `
    import { readFile } from 'node:fs/promises';
    const fetch = async (url) =>
      String(url).startsWith('file:') ? new Response(await readFile(url)) : globalThis.fetch(url);
  `,
});
