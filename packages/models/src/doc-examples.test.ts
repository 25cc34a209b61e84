import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/models'],
  // What the examples refer to: `tf` on the cpu backend, a `model`, its weights on disk, and
  // `bytes` holding the one-bias network the torch-weights examples decode.
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import { readFileSync, writeFileSync } from 'node:fs';
    await tf.setBackend('cpu');
    const model = SimpleCNN.create({ seed: 0 });
    writeFileSync('simple-cnn.safetensors', model.saveWeights());
    const bytes = encodeTorchWeights(
      [biasLayout('fc.bias', { size: 2, fanIn: 4 })],
      [new Float32Array([0.5, -0.5])],
    );
  `,
});
