import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

// What the examples refer to: tf on cpu, SimpleCNN models, one-batch loaders over the embedded
// sample and an optimizer; a finished run and its checkpoint on disk only for the examples
// that use them (a cpu training step takes seconds).
const base = `
  import * as tf from '@tensorflow/tfjs-core';
  import '@tensorflow/tfjs-backend-cpu';
  import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
  import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
  import { openCifar10 } from '@cnnkit/datasets/node';
  import { SimpleCNN } from '@cnnkit/models';
  await tf.setBackend('cpu');
  const data = await openCifar10(cifar10SamplePath());
  const loader = (set) => new DataLoader(set, { batchSize: 4, limit: 4, transform: tutorialTransform() });
  const trainData = loader(data.train);
  const testData = loader(data.test);
  const model = SimpleCNN.create({ seed: 0 });
  const freshModel = SimpleCNN.create({ seed: 1 });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
  const signal = new AbortController().signal;
`;
const finishedRun = `
  const result = await train({ model, optimizer, trainData, epochs: 1 });
  const state = result.state;
  const checkpoint = createCheckpoint({ model, optimizer, state });
  await saveCheckpoint('runs/cifar/checkpoint', checkpoint);
`;

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/trainer', '@cnnkit/trainer/node'],
  context: (code) => base + (/\b(result|state|checkpoint)\b/.test(code) ? finishedRun : ''),
});
