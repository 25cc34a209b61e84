// What each replica thread of `cnnkit train --threads N --replicas` runs (data-parallel
// training of models without BatchNorm, started by training-threads.ts): the wasm backend with
// one kernel thread — the replicas are the threads — and the run's model, rebuilt from its name
// and options; the training thread sends it weights and shards every step.
import type { JsonValue } from '@cnnkit/contracts';
import { createModel, type ModelName } from '@cnnkit/models';
import { serveTrainingReplica } from '@cnnkit/trainer/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';

/** What `train` passes to each replica thread. */
export interface ReplicaModelSpec {
  readonly [key: string]: JsonValue;
  readonly model: string;
  readonly modelOptions: { readonly [key: string]: JsonValue };
}

await serveTrainingReplica<ReplicaModelSpec>(async ({ model, modelOptions }) => {
  await startWasmTraining({ threads: 1, warn: false });
  return createModel(model as ModelName, modelOptions as never);
});
