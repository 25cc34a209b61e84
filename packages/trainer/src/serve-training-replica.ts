import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import '@cnnkit/tfjs-gradients';
import type { JsonValue, TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { localGradients } from './gradient-source.js';
import {
  Command,
  type ReplicaChannel,
  type ReplicaChannelShape,
  replicaChannel,
  Slot,
  writeChannelError,
} from './replica-channel.js';

/** What `ReplicaGradients.start` hands each replica thread. */
export interface ReplicaWorkerData {
  readonly buffer: SharedArrayBuffer;
  readonly shape: ReplicaChannelShape;
  readonly parameterNames: readonly string[];
  /** The caller's `workerOptions`, for the model factory. */
  readonly options: JsonValue;
}

/** What a replica thread tells the training thread once, after building its model. */
export type ReplicaReadyMessage = { readonly ready: true } | { readonly error: string };

function checkSameParameters(model: TrainableClassifier, init: ReplicaWorkerData): void {
  const { parameterNames, shape } = init;
  const names = model.parameters.map((p) => p.name);
  const sizes = model.parameters.map((p) => p.variable.size);
  if (
    names.join('\n') !== parameterNames.join('\n') ||
    sizes.join(',') !== shape.parameterSizes.join(',')
  ) {
    throw new Error(
      `the replica's model has parameters ${names.map((n, i) => `${n} (${sizes[i]})`).join(', ')}; the training thread's has ${parameterNames.map((n, i) => `${n} (${shape.parameterSizes[i]})`).join(', ')}. Build the same model with the same options in both.`,
    );
  }
}

function runStep(model: TrainableClassifier, channel: ReplicaChannel, shape: ReplicaChannelShape) {
  const { control, offsets } = channel;
  const [height, width, channels] = shape.imageShape;
  const size = control[Slot.shardImages] as number;
  tf.tidy(() => {
    model.parameters.forEach((p, i) => {
      const at = offsets[i] as number;
      // slice, not subarray: the tensor must not keep a view of memory the next step rewrites.
      p.variable.assign(
        tf.tensor(channel.weights.slice(at, at + p.variable.size), p.variable.shape),
      );
    });
    const trained = model.parameters.filter((_, i) => control[Slot.trained + i] === 1);
    const { value, grads } = localGradients(model).compute(
      {
        pixels: channel.images.slice(0, size * height * width * channels),
        labels: channel.labels.slice(0, size),
        size,
        height,
        width,
        channels,
      },
      trained,
      {
        labelSmoothing: channel.labelSmoothing[0] as number,
        reduction: control[Slot.reduction] === 1 ? 'sum' : 'mean',
      },
    );
    for (const p of trained) {
      const index = model.parameters.indexOf(p);
      channel.grads.set((grads.get(p.name) as tf.Tensor).dataSync(), offsets[index]);
    }
    channel.loss[0] = value.dataSync()[0] as number;
  });
}

/**
 * The body of a replica thread for `ReplicaGradients` (`@cnnkit/trainer/node`): builds its
 * model with `createModel(options)` — start the thread's tfjs backend there too, with one
 * thread — then computes the gradients of the shards the training thread sends until it is
 * closed. Call it from the module whose URL `ReplicaGradients.start` gets as `worker`; it
 * refuses to run on the main thread.
 *
 * A replica module, as `ReplicaGradients.start({ worker })` gets its URL:
 * ```ts
 * import { serveTrainingReplica } from '@cnnkit/trainer/node';
 * import { createModel } from '@cnnkit/models';
 * import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
 *
 * await serveTrainingReplica(async ({ model, modelOptions }) => {
 *   await startWasmTraining({ threads: 1, warn: false });
 *   return createModel(model, modelOptions);
 * });
 * ```
 *
 * @example
 * ```ts
 * // Anywhere but on a replica thread it refuses at once:
 * serveTrainingReplica(() => model); // throws
 * ```
 */
export function serveTrainingReplica<Options extends JsonValue>(
  createModel: (options: Options) => TrainableClassifier | Promise<TrainableClassifier>,
): Promise<void> {
  if (isMainThread || !parentPort) {
    throw new Error(
      'serveTrainingReplica: this module is a replica thread; pass its URL to ReplicaGradients.start({ worker }) instead of running it.',
    );
  }
  return serve(parentPort, createModel);
}

async function serve<Options extends JsonValue>(
  port: MessagePort,
  createModel: (options: Options) => TrainableClassifier | Promise<TrainableClassifier>,
): Promise<void> {
  const init = workerData as ReplicaWorkerData;
  let model: TrainableClassifier;
  try {
    model = await createModel(init.options as Options);
    checkSameParameters(model, init);
  } catch (error) {
    port.postMessage({ error: (error as Error).message } satisfies ReplicaReadyMessage);
    return;
  }
  const channel = replicaChannel(init.shape, init.buffer);
  const { control } = channel;
  // Read before saying ready: the first command may be sent as soon as the training thread
  // hears it, and a count read after that would already include it and wait past it forever.
  let seen = Atomics.load(control, Slot.command);
  port.postMessage({ ready: true } satisfies ReplicaReadyMessage);
  // A blocking loop, not message events: waking by Atomics costs microseconds, a message
  // through the event loop far more, and this thread has nothing else to do.
  for (;;) {
    Atomics.wait(control, Slot.command, seen);
    seen = Atomics.load(control, Slot.command);
    if (control[Slot.kind] === Command.stop) break;
    control[Slot.failed] = 0;
    try {
      runStep(model, channel, init.shape);
    } catch (error) {
      writeChannelError(channel, (error as Error).message);
      control[Slot.failed] = 1;
    }
    Atomics.store(control, Slot.done, seen);
    Atomics.notify(control, Slot.done);
  }
  model.dispose();
  Atomics.store(control, Slot.done, seen);
  Atomics.notify(control, Slot.done);
  // Ends this thread only (not the process), whatever timers the backend left behind.
  process.exit(0);
}
