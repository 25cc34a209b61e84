import type { ImageDataset } from '@cnnkit/datasets';
import {
  type RecipeName,
  recipeSettings,
  type TrainingTiming,
  timeRecipeTraining,
} from '@cnnkit/recipes';

export interface BenchmarkOptions {
  /**
   * `'tutorial'`: SimpleCNN, SGD lr 0.001 momentum 0.9, the tutorial transform. `'fast'`:
   * AirbenchNet 64/128/128 with airbench's whole training method (the CLI's `--recipe fast`).
   */
  readonly recipe: RecipeName;
  readonly batchSize: number;
  /** Steps run before the clock starts (kernel compilation, shader linking, allocation). */
  readonly warmupSteps: number;
  /** Measure at least this long and at least 3 steps, then stop. */
  readonly seconds: number;
}

/**
 * Training throughput of a recipe on the active backend with `@cnnkit/recipes`'
 * `timeRecipeTraining`: the code `scripts/bench-node.mjs` runs in Node, so the two figures
 * compare the backends. Every timed batch is a full one (the last, smaller batch of an epoch is
 * dropped, as the `fast` recipe always does).
 */
export function benchmarkTraining(
  images: ImageDataset,
  { recipe, batchSize, warmupSteps, seconds }: BenchmarkOptions,
): Promise<TrainingTiming> {
  return timeRecipeTraining(recipeSettings(recipe, { batchSize, dropLast: true }), images, {
    warmupSteps,
    seconds,
  });
}
