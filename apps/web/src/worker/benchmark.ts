import { DataLoader, type ImageDataset, tutorialTransform } from '@cnnkit/datasets';
import { SimpleCNN } from '@cnnkit/models';
import { SgdOptimizer, train } from '@cnnkit/trainer';

export interface BenchmarkOptions {
  readonly batchSize: number;
  /** Steps run before the clock starts (kernel compilation, shader linking, allocation). */
  readonly warmupSteps: number;
  /** Measure at least this long and at least 3 steps, then stop. */
  readonly seconds: number;
}

export interface BenchmarkResult {
  readonly batchSize: number;
  readonly steps: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/**
 * Training throughput of SimpleCNN on the active backend with the real training loop (the
 * trainer's `train`, SGD with momentum, the tutorial transform): the clock starts after
 * `warmupSteps` finished steps and stops after the first step that ends `seconds` later.
 */
export async function benchmarkTraining(
  images: ImageDataset,
  options: BenchmarkOptions,
): Promise<BenchmarkResult> {
  const { batchSize, warmupSteps, seconds } = options;
  if (!Number.isInteger(warmupSteps) || warmupSteps < 1) {
    throw new RangeError(`benchmark: warmupSteps must be an integer >= 1, got ${warmupSteps}`);
  }
  const model = SimpleCNN.create({ seed: 0 });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
  const data = new DataLoader(images, {
    batchSize,
    shuffle: true,
    dropLast: true,
    transform: tutorialTransform(),
  });
  const stop = new AbortController();
  let startedAt = 0;
  let startStep = 0;
  let endedAt = 0;
  let endStep = 0;
  try {
    // Epochs are repeated until enough time has passed; each epoch's evaluation is skipped.
    await train({
      model,
      optimizer,
      trainData: data,
      epochs: 1000,
      checkpointAtEpochEnd: false,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type !== 'batch-end') return;
        const now = performance.now();
        if (event.step === warmupSteps) {
          startedAt = now;
          startStep = event.step;
        } else if (
          event.step >= warmupSteps + 3 &&
          now - startedAt >= 1000 * seconds &&
          !stop.signal.aborted
        ) {
          endedAt = now;
          endStep = event.step;
          stop.abort();
        }
      },
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  const steps = endStep - startStep;
  const elapsed = (endedAt - startedAt) / 1000;
  return { batchSize, steps, seconds: elapsed, imagesPerSecond: (steps * batchSize) / elapsed };
}
