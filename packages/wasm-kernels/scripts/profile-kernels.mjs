// @ts-check
// Lists the kernels of one SimpleCNN training step as @cnnkit/trainer's train() runs it
// (forward, gradients, gated SGD update) on the wasm backend, with their times summed by
// kernel name, slowest first. For finding what to speed up next; needs `pnpm build` first (it
// imports the built packages by name, this one included).
//   node packages/wasm-kernels/scripts/profile-kernels.mjs [--batch 4] [--repeats 20]
import '@tensorflow/tfjs-backend-wasm';
import { SimpleCNN } from '@cnnkit/models';
import { crossEntropyLoss, SgdOptimizer } from '@cnnkit/trainer';
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
const batchSize = Number(option('batch', '4'));
const repeats = Number(option('repeats', '20'));

await tf.setBackend('wasm');
registerWasmTrainingKernels();
const model = SimpleCNN.create({ seed: 0 });
const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
const variables = model.parameters.map((p) => p.variable);
const healthy = tf.variable(tf.scalar(true, 'bool'), false);
const pixels = Float32Array.from({ length: batchSize * 3072 }, (_, i) => Math.sin(i));
const labels = Int32Array.from({ length: batchSize }, (_, i) => i % 10);
const step = () =>
  tf.tidy(() => {
    const images = tf.tensor4d(pixels, [batchSize, 32, 32, 3]);
    const y = tf.tensor1d(labels, 'int32');
    const { value, grads } = tf.variableGrads(
      () => crossEntropyLoss(model.logits(images), y),
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
// slower than a real step); times are this process's CPU time, less sensitive to other load.
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
      const t0 = process.cpuUsage();
      const out = kernelFunc(kernelArgs);
      const used = process.cpuUsage(t0);
      const entry = totals.get(config.kernelName) ?? { ms: 0, count: 0 };
      entry.ms += (used.user + used.system) / 1000;
      entry.count += 1;
      calls += 1;
      totals.set(config.kernelName, entry);
      return out;
    },
  });
}
for (let i = 0; i < 5; i++) step().dispose();
const stepTimes = [];
for (let r = 0; r < repeats; r++) {
  recording = true;
  const t0 = performance.now();
  const loss = step();
  loss.dataSync();
  stepTimes.push(performance.now() - t0);
  recording = false;
  loss.dispose();
}
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
  `batch ${batchSize}: ${calls} kernel calls, ${(sum / repeats).toFixed(2)} ms in kernels per step`,
);
for (const [name, { ms, count }] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(
    `${(ms / repeats).toFixed(3).padStart(8)} ms  ${String(count / repeats).padStart(3)}×  ${name}`,
  );
}
