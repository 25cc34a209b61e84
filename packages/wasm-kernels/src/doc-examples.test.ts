import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/wasm-kernels', '@cnnkit/wasm-kernels/node', '@cnnkit/wasm-kernels/vite'],
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-wasm';
  `,
});
