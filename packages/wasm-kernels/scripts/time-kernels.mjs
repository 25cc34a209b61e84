// @ts-check
// Times each heavy kernel of a SimpleCNN training step in isolation on the wasm backend, as the
// median CPU time of many calls (robust to other processes on a shared machine). For finding
// what to speed up next; needs `pnpm build` first (it imports this package's build by name).
//   node packages/wasm-kernels/scripts/time-kernels.mjs [--batch 4] [--calls 200] [--original]
//     [--only <name part>]
// --original times the wasm backend's own kernels where this package replaces them.
import '@tensorflow/tfjs-backend-wasm';
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
const batch = Number(option('batch', '4'));
const calls = Number(option('calls', '200'));
await tf.setBackend('wasm');
const { replaced } = registerWasmTrainingKernels();
if (args.includes('--original')) {
  for (const config of replaced) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}
/** @param {number[]} shape */
const t = (shape) => tf.randomNormal(shape);
/**
 * @param {string} name
 * @param {tf.NamedTensorMap} inputs
 * @param {object} attrs
 */
const run = (name, inputs, attrs) => () =>
  tf.engine().runKernel(name, inputs, /** @type {tf.NamedAttrMap} */ (attrs));
const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };
const b = batch;
/** @type {[string, () => tf.Tensor | tf.Tensor[]][]} */
const cases = [
  ['Conv2D conv1', run('Conv2D', { x: t([b, 32, 32, 3]), filter: t([5, 5, 3, 6]) }, conv)],
  ['Conv2D conv2', run('Conv2D', { x: t([b, 14, 14, 6]), filter: t([5, 5, 6, 16]) }, conv)],
  [
    'Conv2DBackpropFilter conv1',
    run(
      'Conv2DBackpropFilter',
      { x: t([b, 32, 32, 3]), dy: t([b, 28, 28, 6]) },
      { ...conv, filterShape: [5, 5, 3, 6] },
    ),
  ],
  [
    'Conv2DBackpropFilter conv2',
    run(
      'Conv2DBackpropFilter',
      { x: t([b, 14, 14, 6]), dy: t([b, 10, 10, 16]) },
      { ...conv, filterShape: [5, 5, 6, 16] },
    ),
  ],
  [
    'Conv2DBackpropInput conv2',
    run(
      'Conv2DBackpropInput',
      { dy: t([b, 10, 10, 16]), filter: t([5, 5, 6, 16]) },
      { ...conv, inputShape: [b, 14, 14, 6] },
    ),
  ],
  [
    'MaxPoolGrad pool1',
    run(
      'MaxPoolGrad',
      { dy: t([b, 14, 14, 6]), input: t([b, 28, 28, 6]), output: t([b, 14, 14, 6]) },
      { filterSize: 2, strides: 2, pad: 'valid' },
    ),
  ],
  [
    'MaxPoolGrad pool2',
    run(
      'MaxPoolGrad',
      { dy: t([b, 5, 5, 16]), input: t([b, 10, 10, 16]), output: t([b, 5, 5, 16]) },
      { filterSize: 2, strides: 2, pad: 'valid' },
    ),
  ],
  [
    'BatchMatMul fc1',
    run(
      'BatchMatMul',
      { a: t([b, 400]), b: t([400, 120]) },
      { transposeA: false, transposeB: false },
    ),
  ],
  [
    'BatchMatMul fc1 dx',
    run(
      'BatchMatMul',
      { a: t([b, 120]), b: t([400, 120]) },
      { transposeA: false, transposeB: true },
    ),
  ],
  [
    'BatchMatMul fc1 dW',
    run('BatchMatMul', { a: t([b, 400]), b: t([b, 120]) }, { transposeA: true, transposeB: false }),
  ],
  ['Add bias conv1', run('Add', { a: t([b, 28, 28, 6]), b: t([6]) }, {})],
  ['Relu conv1', run('Relu', { x: t([b, 28, 28, 6]) }, {})],
  ['Step conv1', run('Step', { x: t([b, 28, 28, 6]) }, { alpha: 0 })],
  ['Multiply conv1', run('Multiply', { a: t([b, 28, 28, 6]), b: t([b, 28, 28, 6]) }, {})],
  ['Sum bias grad conv1', run('Sum', { x: t([b * 28 * 28, 6]) }, { axis: [0], keepDims: false })],
  [
    'MaxPool conv1',
    run('MaxPool', { x: t([b, 28, 28, 6]) }, { filterSize: 2, strides: 2, pad: 'valid' }),
  ],
  ['Add bias fc1', run('Add', { a: t([b, 120]), b: t([120]) }, {})],
  ['Add (tiny, engine overhead)', run('Add', { a: t([1]), b: t([1]) }, {})],
];
const only = option('only', '');
let total = 0;
for (const [name, kernel] of cases) {
  if (only && !name.includes(only)) continue;
  for (let i = 0; i < 10; i++) tf.dispose(kernel());
  // CPU time of this thread (process.cpuUsage), not wall time: other processes on a shared
  // machine then only slow it through caches, not by preemption.
  /** @type {number[]} */
  const times = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.cpuUsage();
    const out = kernel();
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000);
    tf.dispose(out);
  }
  times.sort((x, y) => x - y);
  const p10 = times[Math.floor(times.length / 2)] ?? Number.NaN;
  total += p10;
  console.log(`${(p10 * 1000).toFixed(0).padStart(7)} µs  ${name} (batch ${batch})`);
}
console.log(`${(total * 1000).toFixed(0).padStart(7)} µs  total`);
