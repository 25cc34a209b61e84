// What each replica thread of a `pnpm bench --replicas` training run executes (data-parallel
// SimpleCNN, started by cnnkit-runs.ts): the wasm backend with one kernel thread and a
// SimpleCNN; the training thread sends it weights and shards every step.
import { SimpleCNN } from '@cnnkit/models';
import { serveTrainingReplica } from '@cnnkit/trainer/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';

await serveTrainingReplica<{ seed: number }>(async ({ seed }) => {
  await startWasmTraining({ threads: 1, warn: false });
  return SimpleCNN.create({ seed });
});
