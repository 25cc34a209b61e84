import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

// What the examples refer to: tf on wasm with cnnkit's training kernels, the embedded sample
// (`data`), a SimpleCNN `model`, and `DataLoader` and `train`.
describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/recipes'],
  context: `
    import * as tf from '@tensorflow/tfjs-core';
    import '@cnnkit/tfjs-gradients';
    import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
    import { DataLoader } from '@cnnkit/datasets';
    import { openCifar10 } from '@cnnkit/datasets/node';
    import { SimpleCNN } from '@cnnkit/models';
    import { train } from '@cnnkit/trainer';
    import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
    await startWasmTraining();
    const data = await openCifar10(cifar10SamplePath());
    const model = SimpleCNN.create({ seed: 0 });
  `,
});
