// @ts-check
// Lists the kernels of one training step as @cnnkit/trainer's train() runs it (forward,
// gradients, gated SGD update) on the wasm backend, with their times summed by kernel name,
// slowest first, and each one's share of the step (the rest is tfjs's engine, the gradient
// tape and JavaScript between kernels). For finding what to speed up or split next; needs
// `pnpm build` first (it imports the built packages by name, this one included).
//   node packages/wasm-kernels/scripts/profile-kernels.mjs [--batch 4] [--repeats 20]
//     [--threads 1] [--model simple-cnn|airbench] [--loop]
// --loop times SimpleCNN through train() over the CIFAR-10 sample with a DataLoader and the
// tutorial transform, as `pnpm bench` does (the input pipeline counts then), instead of bare
// steps on a fixed batch.
// On 1 thread times are this process's CPU time (less sensitive to other load on the machine);
// on more, wall-clock time (CPU time would add up the workers' time).
import '@tensorflow/tfjs-backend-wasm';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { AirbenchNet, SimpleCNN } from '@cnnkit/models';
import { crossEntropyLoss, SgdOptimizer, train } from '@cnnkit/trainer';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
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
const batchSize = Number(option('batch', '4'));
const repeats = Number(option('repeats', '20'));
const threads = Number(option('threads', '1'));
const modelName = option('model', 'simple-cnn');
if (modelName !== 'simple-cnn' && modelName !== 'airbench') {
  throw new Error(`--model must be simple-cnn or airbench, got ${modelName}`);
}
const airbench = modelName === 'airbench';
const loop = args.includes('--loop');
if (loop && airbench) throw new Error('--loop trains SimpleCNN only');

const { detail } = await startWasmTraining({ threads });
console.log(detail);
const model = airbench ? AirbenchNet.create({ seed: 0 }) : SimpleCNN.create({ seed: 0 });
// The fast recipe's SGD form (nesterov, weight decay) and loss (label smoothing, sum) for
// airbench; the tutorial's for SimpleCNN.
const optimizer = new SgdOptimizer(
  model.parameters,
  airbench
    ? { lr: 0.001, momentum: 0.85, nesterov: true, weightDecay: 5e-4 }
    : { lr: 0.001, momentum: 0.9 },
);
/** @type {import('@cnnkit/contracts').LossSettings} */
const loss = airbench ? { labelSmoothing: 0.2, reduction: 'sum' } : {};
const variables = model.parameters.map((p) => p.variable);
const healthy = tf.variable(tf.scalar(true, 'bool'), false);
const pixels = Float32Array.from({ length: batchSize * 3072 }, (_, i) => Math.sin(i));
const labels = Int32Array.from({ length: batchSize }, (_, i) => i % 10);
const step = () =>
  tf.tidy(() => {
    const images = tf.tensor4d(pixels, [batchSize, 32, 32, 3]);
    const y = tf.tensor1d(labels, 'int32');
    const { value, grads } = tf.variableGrads(
      () => crossEntropyLoss(model.logits(images, { training: true }), y, loss),
      variables,
    );
    const apply = /** @type {tf.Scalar} */ (tf.logicalAnd(tf.isFinite(value), healthy));
    healthy.assign(apply);
    optimizer.step(
      new Map(
        model.parameters.map((p) => [p.name, /** @type {tf.Tensor} */ (grads[p.variable.name])]),
      ),
      apply,
    );
    return value;
  });
// Every wasm kernel is re-registered wrapped in a timer (tf.profile's own timing is much
// slower than a real step).
const now = () => {
  if (threads > 1) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const totals = new Map();
let calls = 0;
let recording = false;
for (const config of tf.getKernelsForBackend('wasm')) {
  const { kernelFunc } = config;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (kernelArgs) => {
      if (!recording) return kernelFunc(kernelArgs);
      const t0 = now();
      const out = kernelFunc(kernelArgs);
      const entry = totals.get(config.kernelName) ?? { ms: 0, count: 0 };
      entry.ms += now() - t0;
      entry.count += 1;
      calls += 1;
      totals.set(config.kernelName, entry);
      return out;
    },
  });
}
const stepTimes = [];
if (loop) {
  const data = await openCifar10(cifar10SamplePath());
  const trainData = new DataLoader(data.train, {
    batchSize,
    dropLast: true,
    transform: tutorialTransform(),
  });
  const epoch = () =>
    train({ model, optimizer, trainData, epochs: 1, checkpointAtEpochEnd: false });
  await epoch();
  for (let r = 0; r < repeats; r++) {
    recording = true;
    const t0 = now();
    await epoch();
    stepTimes.push((now() - t0) / trainData.batchesPerEpoch);
    recording = false;
  }
  // Per step from here on.
  for (const entry of totals.values()) {
    entry.ms /= trainData.batchesPerEpoch;
    entry.count /= trainData.batchesPerEpoch;
  }
  calls /= trainData.batchesPerEpoch;
} else {
  for (let i = 0; i < (airbench ? 2 : 5); i++) step().dispose();
  for (let r = 0; r < repeats; r++) {
    recording = true;
    const t0 = now();
    const value = step();
    value.dataSync();
    stepTimes.push(now() - t0);
    recording = false;
    value.dispose();
  }
}
const stepTotal = stepTimes.reduce((a, b) => a + b, 0);
calls /= repeats;
stepTimes.sort((a, b) => a - b);
console.log(
  `step: median ${stepTimes[Math.floor(repeats / 2)]?.toFixed(2)} ms, best ${stepTimes[0]?.toFixed(2)} ms`,
);
if (args.includes('--list')) {
  const info = await tf.profile(() => step());
  console.log(info.kernels.map((k) => `${k.name}${JSON.stringify(k.inputShapes)}`).join('\n'));
  tf.dispose(info.result);
}
let sum = 0;
for (const { ms } of totals.values()) sum += ms;
console.log(
  `${modelName}, batch ${batchSize}, ${threads} thread(s): ${calls} kernel calls, ` +
    `${(sum / repeats).toFixed(2)} ms in kernels per step (${threads > 1 ? 'wall' : 'CPU'} time)`,
);
/** @param {number} ms */
const share = (ms) => `${((100 * ms) / stepTotal).toFixed(1).padStart(5)} %`;
for (const [name, { ms, count }] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(
    `${(ms / repeats).toFixed(3).padStart(9)} ms ${share(ms)}  ${String(count / repeats).padStart(4)}×  ${name}`,
  );
}
console.log(
  `${((stepTotal - sum) / repeats).toFixed(3).padStart(9)} ms ${share(stepTotal - sum)}        outside kernels (engine, tape, JavaScript)`,
);
