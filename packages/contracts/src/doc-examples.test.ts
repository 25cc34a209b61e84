import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/contracts'],
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    tf.env().set('IS_NODE', false);
    await tf.setBackend('cpu');
  `,
});
