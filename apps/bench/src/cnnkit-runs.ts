import type { TrainableClassifier } from '@cnnkit/contracts';
import { DataLoader, type ImageDataset, tutorialTransform } from '@cnnkit/datasets';
import { SimpleCNN } from '@cnnkit/models';
import { evaluate, SgdOptimizer, train } from '@cnnkit/trainer';
import { ReplicaGradients } from '@cnnkit/trainer/node';
import { cyclicBatches } from './cyclic-batches.js';
import type { TimedRun } from './types.js';

/**
 * One SimpleCNN trained through cnnkit's real path — DataLoader with the tutorial transform,
 * `train` from @cnnkit/trainer, SGD lr 0.001 momentum 0.9 — on the active tfjs backend, in
 * timed stretches that continue one another (same weights, momentum and data cursor).
 */
export class CnnkitTrainingRun {
  private readonly model: TrainableClassifier;
  private readonly optimizer: SgdOptimizer;
  private readonly loader: DataLoader;
  private nextBatch = 0;
  private replicas: ReplicaGradients | undefined;

  /**
   * `replicas` above 1 trains data-parallel: that many model replicas, one per thread, each
   * on its shard of every batch (the threads the bench's kernels use are set by the caller).
   */
  static async start(
    data: ImageDataset,
    batchSize: number,
    seed: number,
    replicas = 1,
  ): Promise<CnnkitTrainingRun> {
    const run = new CnnkitTrainingRun(data, batchSize, seed);
    if (replicas > 1) {
      try {
        run.replicas = await ReplicaGradients.start({
          model: run.model,
          replicas,
          worker: new URL('./replica-thread.js', import.meta.url),
          workerOptions: { seed },
          maxBatchSize: batchSize,
          imageShape: [data.height, data.width, data.channels],
        });
      } catch (error) {
        run.dispose();
        throw error;
      }
    }
    return run;
  }

  private constructor(data: ImageDataset, batchSize: number, seed: number) {
    // Unshuffled and drop-last, so that batch k holds the same images as the PyTorch
    // reference's batch k.
    this.loader = new DataLoader(data, {
      batchSize,
      dropLast: true,
      transform: tutorialTransform(),
    });
    if (this.loader.batchesPerEpoch < 1) {
      throw new RangeError(
        `Batch size ${batchSize} is larger than the ${data.count} training images; pass smaller --batch-sizes.`,
      );
    }
    this.model = SimpleCNN.create({ seed });
    this.optimizer = new SgdOptimizer(this.model.parameters, { lr: 0.001, momentum: 0.9 });
  }

  /** Trains the next `batches` batches and says how long that took (wall clock). */
  async run(batches: number): Promise<TimedRun> {
    const trainData = cyclicBatches(this.loader, this.nextBatch, batches);
    this.nextBatch += batches;
    const started = performance.now();
    // train() settles every step's loss before it returns, so the clock covers all the work.
    await train({
      model: this.model,
      optimizer: this.optimizer,
      trainData,
      epochs: 1,
      checkpointAtEpochEnd: false,
      ...(this.replicas ? { gradients: this.replicas } : {}),
    });
    return { images: trainData.imagesPerEpoch, seconds: (performance.now() - started) / 1000 };
  }

  /** Ends the replica threads, if any, and releases the model. */
  async close(): Promise<void> {
    await this.replicas?.close();
    this.dispose();
  }

  private dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

/**
 * Times cnnkit's `evaluate` (logits, cross-entropy, argmax per batch) of `model` on the first
 * `images` test images, in batches of `batchSize`, with the tutorial transform.
 */
export async function timeCnnkitEvaluation(
  model: TrainableClassifier,
  test: ImageDataset,
  batchSize: number,
  images: number,
): Promise<TimedRun> {
  const loader = new DataLoader(test, { batchSize, limit: images, transform: tutorialTransform() });
  const started = performance.now();
  const result = await evaluate(model, loader, { numClasses: model.numClasses });
  return { images: result.count, seconds: (performance.now() - started) / 1000 };
}
