// Lists the kernels of one SimpleCNN training step as @cnnkit/trainer's train() runs it
// (forward, gradients, gated SGD update) on the wasm backend, with their times summed by
// kernel name, slowest first. For finding what to speed up next; needs `pnpm build` first.
//   node packages/wasm-kernels/scripts/profile-kernels.mjs [--batch 4] [--repeats 20]
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../dist/index.js';

const root = new URL('../../', import.meta.url);
const load = (path) => import(new URL(path, root).href);
const { SimpleCNN } = await load('models/dist/index.js');
const { SgdOptimizer, crossEntropyLoss } = await load('trainer/dist/index.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
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
    const apply = tf.logicalAnd(tf.isFinite(value), healthy);
    healthy.assign(apply);
    optimizer.step(new Map(model.parameters.map((p) => [p.name, grads[p.variable.name]])), apply);
    return value;
  });
for (let i = 0; i < 5; i++) step().dispose();
const totals = new Map();
let calls = 0;
for (let r = 0; r < repeats; r++) {
  const info = await tf.profile(() => step());
  calls = info.kernels.length;
  for (const k of info.kernels) {
    const entry = totals.get(k.name) ?? { ms: 0, count: 0 };
    entry.ms += k.kernelTimeMs;
    entry.count += 1;
    totals.set(k.name, entry);
  }
  tf.dispose(info.result);
}
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
