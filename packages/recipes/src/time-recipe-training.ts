import type { ImageDataset } from '@cnnkit/datasets';
import { train } from '@cnnkit/trainer';
import { startRecipeRun } from './recipe-run.js';
import type { RecipeSettings } from './recipe-settings.js';

/** How long {@link timeRecipeTraining} trains and what it leaves out. */
export interface TrainingTimingOptions {
  /** Steps run before the clock starts (kernel compilation, shader linking, allocation); >= 1. */
  readonly warmupSteps: number;
  /** Time at least this long (and at least 3 steps), then stop; >= 0. */
  readonly seconds: number;
}

/** What {@link timeRecipeTraining} measured. */
export interface TrainingTiming {
  readonly batchSize: number;
  /** Steps timed, after the warm-up. */
  readonly steps: number;
  /** Seconds the timed steps took. */
  readonly seconds: number;
  /** Images of the timed steps per second. */
  readonly imagesPerSecond: number;
}

/**
 * The whitening layer's values do not change the work of a step, so a timing sets it from a
 * few images: airbench's 5,000 would cost seconds of set-up in a browser for nothing.
 */
const WHITENING_IMAGES = 256;

/** The clock never reaches this many epochs: it stops the run long before. */
const UNBOUNDED_EPOCHS = 1_000_000;

/** Timed steps at the least, whatever `seconds` says: one step is no rate. */
const MIN_TIMED_STEPS = 3;

/**
 * Training throughput of a recipe on the active backend, with the loop a real run uses: a fresh
 * {@link startRecipeRun} (its model, optimizer, training method, lookahead and augmentation)
 * trained by `@cnnkit/trainer`'s `train` on `images`, epoch after epoch, never evaluated. The
 * clock starts when the `warmupSteps`-th step has finished and stops at the first finished step
 * at least `seconds` (and 3 steps) later; the run is then aborted and everything it made is
 * disposed. Node and browsers run the same code, so their figures compare backends, not loops.
 *
 * The whitening layer is set from at most 256 images; the epochs are unbounded, so a schedule's
 * learning-rate factor stays at its start, and the whitening bias of the `fast` recipe freezes
 * after its epochs as in a real run (on a small data set, within the first steps).
 *
 * @example
 * ```ts
 * const settings = recipeSettings('fast', { widths: [16, 32, 32], batchSize: 16 });
 * const timing = await timeRecipeTraining(settings, data.train, { warmupSteps: 1, seconds: 0 });
 * timing.steps; // 3
 * timing.batchSize; // 16
 * console.log(`${timing.imagesPerSecond.toFixed(0)} images/s`);
 * ```
 */
export async function timeRecipeTraining(
  settings: RecipeSettings,
  images: ImageDataset,
  options: TrainingTimingOptions,
): Promise<TrainingTiming> {
  const { warmupSteps, seconds } = options;
  if (!Number.isInteger(warmupSteps) || warmupSteps < 1) {
    throw new RangeError(
      `timeRecipeTraining: warmupSteps must be a whole number >= 1, got ${String(warmupSteps)}.`,
    );
  }
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(
      `timeRecipeTraining: seconds must be a number >= 0, got ${String(seconds)}.`,
    );
  }
  const run = await startRecipeRun(
    { ...settings, whiteningImages: Math.min(settings.whiteningImages, WHITENING_IMAGES) },
    // The test loader is made but never read: `train` below gets no test data.
    { train: images, test: images, seed: 0 },
  );
  const stop = new AbortController();
  let startedAt = 0;
  let endedAt = 0;
  let steps = 0;
  let timedImages = 0;
  try {
    await train({
      model: run.model,
      optimizer: run.optimizer,
      method: run.method,
      ...(run.averaging ? { averaging: run.averaging } : {}),
      trainData: run.trainData,
      epochs: UNBOUNDED_EPOCHS,
      checkpointAtEpochEnd: false,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type !== 'batch-end' || stop.signal.aborted) return;
        const now = performance.now();
        if (event.step === warmupSteps) {
          startedAt = now;
          return;
        }
        if (event.step < warmupSteps) return;
        steps++;
        timedImages += event.batchSize;
        if (steps >= MIN_TIMED_STEPS && now - startedAt >= 1000 * seconds) {
          endedAt = now;
          stop.abort();
        }
      },
    });
  } finally {
    run.dispose();
  }
  const elapsed = (endedAt - startedAt) / 1000;
  return {
    batchSize: settings.batchSize,
    steps,
    seconds: elapsed,
    imagesPerSecond: timedImages / elapsed,
  };
}
