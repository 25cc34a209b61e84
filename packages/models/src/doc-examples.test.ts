import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/models'],
  // What the examples refer to: `tf` on the cpu backend, `Rng` for layers' init, a `model`
  // (SimpleCNN) and a `net` (a narrow AirbenchNet) with their weights on disk, and `bytes`
  // holding the one-bias network the torch-weights examples decode.
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import { Rng } from '@cnnkit/random';
    import { readFileSync, writeFileSync } from 'node:fs';
    await tf.setBackend('cpu');
    const model = SimpleCNN.create({ seed: 0 });
    writeFileSync('simple-cnn.safetensors', model.saveWeights());
    const net = AirbenchNet.create({ seed: 0, widths: [8, 8, 8] });
    writeFileSync('airbench.safetensors', net.saveWeights());
    const bytes = encodeTorchWeights(
      [biasLayout('fc.bias', { size: 2, fanIn: 4 })],
      [new Float32Array([0.5, -0.5])],
    );
  `,
});
