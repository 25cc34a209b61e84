// @ts-check
// Times SimpleCNN training on the wasm backend with this package's kernels, for iterating on
// kernel speed (not a test: timings are noisy on shared machines). Needs `pnpm build` first
// (it imports the built packages by name, this one included).
//   node packages/wasm-kernels/scripts/time-training.mjs [--steps 40] [--batch 4,64] [--loop]
// Prints ms per bare training step (forward, gradients, SGD update) per batch size and, with
// --loop, images/s of @cnnkit/trainer's train() over the embedded sample at batch 4.
import '@tensorflow/tfjs-backend-wasm';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import { crossEntropyLoss, SgdOptimizer, train } from '@cnnkit/trainer';
import { registerWasmTrainingKernels } from '@cnnkit/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

const args = process.argv.slice(2);
/**
 * @param {string} name
 * @param {string} fallback
 */
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return (i >= 0 ? args[i + 1] : undefined) ?? fallback;
};
const steps = Number(option('steps', '40'));
const batchSizes = option('batch', '4,64').split(',').map(Number);
const backendName = option('backend', 'wasm');

await tf.setBackend(backendName);
if (backendName === 'wasm') registerWasmTrainingKernels();
const data = await openCifar10(cifar10SamplePath());

/** @param {number} batchSize */
function timeSteps(batchSize) {
  const model = SimpleCNN.create({ seed: 0 });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
  const variables = model.parameters.map((p) => p.variable);
  const pixels = new Float32Array(batchSize * 3072);
  const bytes = data.train.images;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (bytes[i] ?? 0) / 127.5 - 1;
  const labels = Int32Array.from(data.train.labels.subarray(0, batchSize));
  const step = () => {
    const loss = tf.tidy(() => {
      const images = tf.tensor4d(pixels, [batchSize, 32, 32, 3]);
      const y = tf.tensor1d(labels, 'int32');
      const { value, grads } = tf.variableGrads(
        () => crossEntropyLoss(model.logits(images), y),
        variables,
      );
      optimizer.step(
        new Map(
          model.parameters.map((p) => [p.name, /** @type {tf.Tensor} */ (grads[p.variable.name])]),
        ),
      );
      return value;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  for (let i = 0; i < 5; i++) step();
  /** @type {number[]} */
  const times = [];
  let kernels = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const profile = tf.profile(() => step());
  return profile.then((info) => {
    kernels = info.kernels.length;
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    const best = times[0] ?? Number.NaN;
    console.log(
      `step batch ${batchSize}: median ${median.toFixed(2)} ms, best ${best.toFixed(2)} ms ` +
        `(${((1000 * batchSize) / median).toFixed(0)} img/s median), ${kernels} kernel calls`,
    );
    optimizer.dispose();
    model.dispose();
  });
}

for (const batchSize of batchSizes) await timeSteps(batchSize);

if (args.includes('--loop')) {
  const batchSize = Number(option('loop-batch', '4'));
  const model = SimpleCNN.create({ seed: 0 });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
  const loader = new DataLoader(data.train, {
    batchSize,
    shuffle: true,
    seed: 0,
    transform: tutorialTransform(),
  });
  const t0 = performance.now();
  let warm = 0;
  let images = 0;
  await train({
    model,
    optimizer,
    trainData: loader,
    epochs: 1,
    checkpointAtEpochEnd: false,
    onEvent: (event) => {
      if (event.type !== 'batch-end') return;
      if (event.batch === 9) warm = performance.now();
      else if (event.batch > 9) images += batchSize;
    },
  });
  const seconds = (performance.now() - warm) / 1000;
  console.log(
    `train() loop batch ${batchSize}: ${(images / seconds).toFixed(0)} img/s over ${images} images ` +
      `(total ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  optimizer.dispose();
  model.dispose();
}
