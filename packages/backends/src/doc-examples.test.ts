import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/backends', '@cnnkit/backends/node'],
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
  `,
});
