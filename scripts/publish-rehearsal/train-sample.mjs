// Consumer script of the publish rehearsal: runs in a directory outside the workspace where
// only the published @cnnkit packages (and tfjs from the registry) are installed, and uses
// nothing but their public entry points. Prints one line per training step.
import '@tensorflow/tfjs-backend-wasm';
import { CIFAR10_SAMPLE_TRAIN_COUNT } from '@cnnkit/cifar10-sample';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import { evaluate, SgdOptimizer, train } from '@cnnkit/trainer';
import { registerWasmTrainingKernels } from '@cnnkit/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

const steps = 8;
const batchSize = 16;

await tf.setBackend('wasm');
registerWasmTrainingKernels();

const data = await openCifar10(cifar10SamplePath());
if (data.train.count !== CIFAR10_SAMPLE_TRAIN_COUNT) {
  throw new Error(
    `expected ${CIFAR10_SAMPLE_TRAIN_COUNT} training images, got ${data.train.count}`,
  );
}
console.log(`sample: ${data.train.count} train + ${data.test.count} test images`);

const trainData = new DataLoader(data.train, {
  batchSize,
  shuffle: true,
  seed: 0,
  limit: steps * batchSize,
  transform: tutorialTransform(),
});
const testData = new DataLoader(data.test, { batchSize: 100, transform: tutorialTransform() });
const model = SimpleCNN.create({ seed: 0 });
const optimizer = new SgdOptimizer(model.parameters, { lr: 0.01, momentum: 0.9 });
const tensorsBefore = tf.memory().numTensors;

/** @type {number[]} */
const losses = [];
const result = await train({
  model,
  optimizer,
  trainData,
  epochs: 1,
  checkpointAtEpochEnd: false,
  onEvent: (event) => {
    if (event.type === 'batch-end') {
      losses.push(event.loss);
      console.log(`step ${event.step}: loss ${event.loss.toFixed(4)}`);
    }
  },
});
const { accuracy, loss } = await evaluate(model, testData, { numClasses: 10 });
console.log(
  `${result.stopReason} after ${result.state.step} steps on ${tf.getBackend()}; ` +
    `test loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)} %`,
);

// A consumer that got a broken build would see NaN, no steps, or leaked tensors.
if (losses.length !== steps || !losses.every(Number.isFinite)) {
  throw new Error(`expected ${steps} finite losses, got ${JSON.stringify(losses)}`);
}
if (tf.memory().numTensors !== tensorsBefore) {
  throw new Error(`tensors leaked: ${tensorsBefore} before, ${tf.memory().numTensors} after`);
}
model.dispose();
optimizer.dispose();
