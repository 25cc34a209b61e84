import { Worker } from 'node:worker_threads';
import type {
  ImageBatch,
  JsonValue,
  LossSettings,
  NamedParameter,
  TrainableClassifier,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import {
  combineShardGradients,
  type GradientSource,
  localGradients,
  type ShardGradients,
  type StepGradients,
} from './gradient-source.js';
import {
  Command,
  type ReplicaChannel,
  type ReplicaChannelShape,
  readChannelError,
  replicaChannel,
  Slot,
} from './replica-channel.js';
import type { ReplicaReadyMessage, ReplicaWorkerData } from './serve-training-replica.js';

/** Options of {@link ReplicaGradients.start}. */
export interface ReplicaGradientsOptions {
  /** The calling thread's model: replica 0, the one the optimizer updates. */
  readonly model: TrainableClassifier;
  /** Replicas in all, the calling thread's included: 2 or more. */
  readonly replicas: number;
  /** The module each replica thread runs; it calls {@link serveTrainingReplica}. */
  readonly worker: URL | string;
  /** Passed to that module's model factory: what to build (model name, options, …). */
  readonly workerOptions?: JsonValue;
  /** The largest batch {@link ReplicaGradients.compute} will get. */
  readonly maxBatchSize: number;
  /** Height, width and channels of the images. */
  readonly imageShape: readonly [number, number, number];
  /** Called by `train()` around its evaluations (e.g. to give the calling thread every core). */
  readonly evaluating?: (active: boolean) => Promise<void>;
  /** How long a step may wait for a replica before failing. Default 10 minutes. */
  readonly stepTimeoutMs?: number;
}

interface Replica {
  readonly worker: Worker;
  readonly channel: ReplicaChannel;
}

/**
 * Shard sizes of a batch of `size` images over `replicas`: as even as can be, the larger
 * shards first (the calling thread's shard is the first).
 *
 * @example
 * ```ts
 * shardSizes(64, 2); // [32, 32]
 * shardSizes(10, 3); // [4, 3, 3]
 * shardSizes(1, 2); // [1, 0]
 * ```
 */
export function shardSizes(size: number, replicas: number): number[] {
  const base = Math.floor(size / replicas);
  const extra = size % replicas;
  return Array.from({ length: replicas }, (_, i) => base + (i < extra ? 1 : 0));
}

function checkStartOptions(options: ReplicaGradientsOptions): void {
  const { replicas, maxBatchSize, model } = options;
  if (!Number.isInteger(replicas) || replicas < 2) {
    throw new RangeError(
      `ReplicaGradients: replicas must be a whole number >= 2, got ${String(replicas)}; with one, train without ReplicaGradients.`,
    );
  }
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(
      `ReplicaGradients: maxBatchSize must be a whole number >= 1, got ${String(maxBatchSize)}.`,
    );
  }
  if ((model.buffers ?? []).length > 0) {
    // Replicas see different shards: BatchNorm statistics would differ between them.
    throw new Error(
      `ReplicaGradients: the model has buffers (${model.buffers?.map((b) => b.name).join(', ')}), such as BatchNorm statistics, which replicas cannot share; train it on one thread with kernel threads instead.`,
    );
  }
}

async function startReplica(index: number, data: ReplicaWorkerData, url: URL | string) {
  const worker = new Worker(url, {
    workerData: data,
    name: `cnnkit replica ${index}`,
    // The thread runs a file: a flag about string input (`node --input-type=module -e …`)
    // would make it fail to start.
    execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message: ReplicaReadyMessage) => {
      if ('ready' in message) resolve();
      else reject(new Error(message.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`its thread exited with code ${code} before building its model`)),
    );
  });
  worker.removeAllListeners();
  // Threads end with the process whatever ends it (Ctrl-C, kill -9); unref'd once running,
  // they never keep it alive either.
  worker.unref();
  return worker;
}

/**
 * Data-parallel training on the threads of one Node process: each step the batch is cut into
 * one shard per replica; the calling thread computes the first shard with `model` while every
 * replica thread — its own tfjs engine and backend, its model rebuilt by the `worker` module —
 * computes another with the same weights; the shards' gradients are then added in replica
 * order ({@link combineShardGradients}), so the same batches and replica count give the same
 * bits run after run, within float rounding of one thread. Weights stay on the calling thread
 * (checkpoints, resume and the optimizer do not change); replicas get them every step through
 * shared memory. For models without buffers: BatchNorm's batch statistics would differ
 * between shards.
 *
 * @example
 * ```ts
 * const replicas = await ReplicaGradients.start({
 *   model,
 *   replicas: 2,
 *   // A module that calls serveTrainingReplica with a factory of the same model:
 *   worker: new URL('./src/test-support/simple-cnn-replica.mjs', import.meta.url),
 *   workerOptions: { seed: 0 },
 *   maxBatchSize: 4,
 *   imageShape: [32, 32, 3],
 * });
 * try {
 *   const result = await train({ model, optimizer, trainData, epochs: 1, gradients: replicas });
 *   result.state.step; // 1
 * } finally {
 *   await replicas.close();
 * }
 * ```
 */
export class ReplicaGradients implements GradientSource {
  /** Replicas in all, the calling thread's included. */
  readonly replicas: number;

  private readonly model: TrainableClassifier;
  private readonly shape: ReplicaChannelShape;
  private readonly threads: readonly Replica[];
  private readonly local: GradientSource;
  private readonly onEvaluating: ((active: boolean) => Promise<void>) | undefined;
  private readonly stepTimeoutMs: number;
  private closed = false;

  private constructor(
    options: ReplicaGradientsOptions,
    shape: ReplicaChannelShape,
    threads: Replica[],
  ) {
    this.replicas = options.replicas;
    this.model = options.model;
    this.shape = shape;
    this.threads = threads;
    this.local = localGradients(options.model);
    this.onEvaluating = options.evaluating;
    this.stepTimeoutMs = options.stepTimeoutMs ?? 600_000;
  }

  /** Starts `replicas − 1` threads, each building its model; rejects with the first failure. */
  static async start(options: ReplicaGradientsOptions): Promise<ReplicaGradients> {
    checkStartOptions(options);
    const { model, replicas, maxBatchSize, imageShape, worker, workerOptions = null } = options;
    const shape: ReplicaChannelShape = {
      parameterSizes: model.parameters.map((p) => p.variable.size),
      maxShardImages: Math.ceil(maxBatchSize / replicas),
      imageShape: [...imageShape] as [number, number, number],
    };
    const parameterNames = model.parameters.map((p) => p.name);
    const channels = Array.from({ length: replicas - 1 }, () => replicaChannel(shape));
    const started = await Promise.allSettled(
      channels.map((channel, i) =>
        startReplica(
          i + 1,
          { buffer: channel.buffer, shape, parameterNames, options: workerOptions },
          worker,
        ),
      ),
    );
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(
        started.map((s) => (s.status === 'fulfilled' ? s.value.terminate() : undefined)),
      );
      throw new Error(
        `ReplicaGradients: a replica thread could not start (${worker}): ${(failure.reason as Error).message}`,
      );
    }
    const threads = started.map((s, i) => ({
      worker: (s as PromiseFulfilledResult<Worker>).value,
      channel: channels[i] as ReplicaChannel,
    }));
    return new ReplicaGradients(options, shape, threads);
  }

  compute(
    batch: ImageBatch,
    trained: readonly NamedParameter[],
    loss: LossSettings,
  ): StepGradients {
    if (this.closed) throw new Error('ReplicaGradients: compute() after close().');
    const [height, width, channels] = this.shape.imageShape;
    if (batch.height !== height || batch.width !== width || batch.channels !== channels) {
      throw new Error(
        `ReplicaGradients: the batch's images are ${batch.height}×${batch.width}×${batch.channels}; the replicas were started for ${height}×${width}×${channels}.`,
      );
    }
    const sizes = shardSizes(batch.size, this.replicas);
    const [ownSize = 0, ...theirs] = sizes;
    if (ownSize > this.shape.maxShardImages) {
      throw new RangeError(
        `ReplicaGradients: a batch of ${batch.size} images is larger than maxBatchSize ${this.shape.maxShardImages * this.replicas} the replicas were started with.`,
      );
    }
    const imageFloats = height * width * channels;
    const trainedNames = new Set(trained.map((p) => p.name));
    const weights = this.model.parameters.map((p) => p.variable.dataSync() as Float32Array);
    let start = ownSize;
    const sent: { replica: Replica; size: number; command: number }[] = [];
    theirs.forEach((size, i) => {
      if (size === 0) return;
      const replica = this.threads[i] as Replica;
      const { channel } = replica;
      const { control } = channel;
      this.model.parameters.forEach((p, j) => {
        channel.weights.set(weights[j] as Float32Array, channel.offsets[j]);
        control[Slot.trained + j] = trainedNames.has(p.name) ? 1 : 0;
      });
      channel.images.set(batch.pixels.subarray(start * imageFloats, (start + size) * imageFloats));
      channel.labels.set(batch.labels.subarray(start, start + size));
      channel.labelSmoothing[0] = loss.labelSmoothing ?? 0;
      control[Slot.reduction] = loss.reduction === 'sum' ? 1 : 0;
      control[Slot.shardImages] = size;
      control[Slot.kind] = Command.step;
      const command = Atomics.add(control, Slot.command, 1) + 1;
      Atomics.notify(control, Slot.command);
      sent.push({ replica, size, command });
      start += size;
    });
    const own = this.local.compute(
      {
        ...batch,
        size: ownSize,
        pixels: batch.pixels.subarray(0, ownSize * imageFloats),
        labels: batch.labels.subarray(0, ownSize),
      },
      trained,
      loss,
    );
    const shards: ShardGradients[] = [
      {
        size: ownSize,
        loss: own.value.dataSync()[0] as number,
        grads: new Map([...own.grads].map(([name, g]) => [name, g.dataSync() as Float32Array])),
      },
    ];
    const failures: string[] = [];
    for (const { replica, size, command } of sent) {
      const { channel } = replica;
      this.waitFor(replica, command);
      if (channel.control[Slot.failed] === 1) {
        failures.push(`replica ${this.threads.indexOf(replica) + 1}: ${readChannelError(channel)}`);
        continue;
      }
      shards.push({
        size,
        loss: channel.loss[0] as number,
        grads: new Map(
          trained.map((p) => {
            const at = channel.offsets[this.model.parameters.indexOf(p)] as number;
            return [p.name, channel.grads.subarray(at, at + p.variable.size)];
          }),
        ),
      });
    }
    if (failures.length > 0) {
      throw new Error(`ReplicaGradients: a training step failed on ${failures.join('; ')}`);
    }
    const whole = combineShardGradients(shards, loss.reduction ?? 'mean');
    return {
      value: tf.scalar(whole.loss),
      grads: new Map(
        trained.map((p) => [
          p.name,
          tf.tensor(whole.grads.get(p.name) as Float32Array, p.variable.shape),
        ]),
      ),
    };
  }

  async evaluating(active: boolean): Promise<void> {
    await this.onEvaluating?.(active);
  }

  /** Stops the replica threads and waits for them to end. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.threads.map(async ({ worker, channel }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.ref();
        channel.control[Slot.kind] = Command.stop;
        Atomics.add(channel.control, Slot.command, 1);
        Atomics.notify(channel.control, Slot.command);
        const timer = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  // Blocking: compute() is synchronous (train() runs it inside tf.tidy), and the replica
  // answers in about the time the calling thread spends on its own shard.
  private waitFor(replica: Replica, command: number): void {
    const { control } = replica.channel;
    // performance.now(), not Date.now(): the wall clock can jump (NTP, a resumed VM).
    const deadline = performance.now() + this.stepTimeoutMs;
    for (;;) {
      const done = Atomics.load(control, Slot.done);
      if (done === command) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(
          `ReplicaGradients: replica ${this.threads.indexOf(replica) + 1} did not finish its shard within ${this.stepTimeoutMs / 1000} s; its thread may have crashed.`,
        );
      }
      Atomics.wait(control, Slot.done, done, left);
    }
  }
}
