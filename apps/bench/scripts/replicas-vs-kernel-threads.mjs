// SimpleCNN training steps through train() at batch 64 on random images, in turns: 1 thread,
// 2 kernel threads (one model, kernels split), 2 model replicas (ReplicaGradients, each on 32
// images). No data pipeline and no PyTorch: what the thread designs cost, side by side.
// Needs `pnpm build` first; run it alone on the machine (it uses both cores).
//   node apps/bench/scripts/replicas-vs-kernel-threads.mjs [rounds, default 4]
import { SimpleCNN } from '@cnnkit/models';
import { SgdOptimizer, train } from '@cnnkit/trainer';
import { ReplicaGradients } from '@cnnkit/trainer/node';
import { setWasmTrainingThreads, startWasmTraining } from '@cnnkit/wasm-kernels/node';

const rounds = Number(process.argv[2] ?? 4);
const batchSize = 64;
const steps = 200;
await startWasmTraining({ threads: 2, warn: false });
const model = SimpleCNN.create({ seed: 0 });
const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
const batch = {
  pixels: Float32Array.from({ length: batchSize * 32 * 32 * 3 }, () => Math.random() * 2 - 1),
  labels: Int32Array.from({ length: batchSize }, () => Math.floor(Math.random() * 10)),
  size: batchSize,
  height: 32,
  width: 32,
  channels: 3,
};
const batches = (count) => ({
  batchesPerEpoch: count,
  imagesPerEpoch: batchSize * count,
  async *batches() {
    for (let i = 0; i < count; i++) yield batch;
  },
});
const replicas = await ReplicaGradients.start({
  model,
  replicas: 2,
  worker: new URL('../dist/replica-thread.js', import.meta.url),
  workerOptions: { seed: 0 },
  maxBatchSize: batchSize,
  imageShape: [32, 32, 3],
});
const designs = [
  ['1 thread', 1, {}],
  ['2 kernel threads', 2, {}],
  ['2 model replicas', 1, { gradients: replicas }],
];
const run = (count, extra) =>
  train({
    model,
    optimizer,
    trainData: batches(count),
    epochs: 1,
    checkpointAtEpochEnd: false,
    ...extra,
  });
console.log(`round | ${designs.map(([name]) => name).join(' | ')} (ms a step, ${steps} steps)`);
for (let round = 1; round <= rounds; round++) {
  const times = [];
  for (const [, kernelThreads, extra] of designs) {
    await setWasmTrainingThreads(kernelThreads);
    await run(20, extra);
    const started = performance.now();
    await run(steps, extra);
    times.push(((performance.now() - started) / steps).toFixed(2));
  }
  console.log(`${round} | ${times.join(' | ')}`);
}
await replicas.close();
optimizer.dispose();
model.dispose();
