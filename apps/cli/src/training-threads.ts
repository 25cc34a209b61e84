import type { TrainableClassifier } from '@cnnkit/contracts';
import { ReplicaGradients } from '@cnnkit/trainer/node';
import { setWasmTrainingThreads } from '@cnnkit/wasm-kernels/node';
import type { ReplicaModelSpec } from './replica-thread.js';
import { UserError } from './user-errors.js';

/** How a `train` run uses its threads, once started. */
export interface TrainingThreads {
  /** Set when the run trains on model replicas: train()'s gradient source. */
  readonly gradients?: ReplicaGradients;
  /** One line for the run's log, when it trains on replicas. */
  readonly description?: string;
  /** Ends the replica threads and gives every thread back to the kernels. */
  close(): Promise<void>;
}

/** Throws a {@link UserError} when `--replicas` cannot train `model` (`name`) on `backend`. */
export function checkReplicas(options: {
  readonly replicas: boolean;
  readonly backend: string;
  readonly model: TrainableClassifier;
  readonly name: string;
}): void {
  const { replicas, backend, model, name } = options;
  if (!replicas) return;
  if (backend !== 'wasm') {
    throw new UserError(
      `--replicas trains on the wasm backend's threads; this run uses ${backend}. Add --backend wasm, or drop --replicas.`,
    );
  }
  const buffers = model.buffers ?? [];
  if (buffers.length > 0) {
    throw new UserError(
      `--replicas cannot train ${name}: its BatchNorm statistics (${buffers.length} buffers) would differ between replicas. Drop --replicas: its kernels use the threads instead.`,
    );
  }
}

/**
 * Starts `--replicas`: one replica thread per thread beyond the first (the calling thread is
 * replica 0, its kernels then on one thread; each replica rebuilds the model from `spec`).
 * Without `--replicas`, or on one thread, nothing: the kernels split over the threads.
 * {@link checkReplicas} first: this starts what that check allowed.
 */
export async function startTrainingThreads(options: {
  readonly replicas: boolean;
  readonly threads: number;
  readonly batchSize: number;
  readonly model: TrainableClassifier;
  readonly spec: ReplicaModelSpec;
  readonly imageShape: readonly [number, number, number];
}): Promise<TrainingThreads> {
  const { threads, batchSize, model, spec, imageShape } = options;
  const none = { close: async () => undefined };
  if (!options.replicas) return none;
  if (threads === 1) return { ...none, description: 'threads: 1, so --replicas trains one model' };
  await setWasmTrainingThreads(1);
  let gradients: ReplicaGradients;
  try {
    gradients = await ReplicaGradients.start({
      model,
      replicas: threads,
      worker: new URL('./replica-thread.js', import.meta.url),
      workerOptions: spec,
      maxBatchSize: batchSize,
      imageShape,
      // Evaluations run on the calling thread alone: its kernels get every thread meanwhile.
      evaluating: async (active) => {
        await setWasmTrainingThreads(active ? threads : 1);
      },
    });
  } catch (error) {
    await setWasmTrainingThreads(threads);
    throw error;
  }
  return {
    gradients,
    description: `threads: ${threads} model replicas, each computing its share of every batch; their gradients are added in a fixed order (same weights for the same --threads)`,
    close: async () => {
      await gradients.close();
      await setWasmTrainingThreads(threads);
    },
  };
}
