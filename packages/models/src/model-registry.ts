import type { TrainableClassifier } from '@cnnkit/contracts';
import { SimpleCNN } from './simple-cnn.js';

/** Options every registered model accepts. */
export interface CreateModelOptions {
  /** Seeds the initial weights; the same seed always gives the same model. */
  readonly seed: number;
}

const MODEL_FACTORIES = {
  'simple-cnn': (options: CreateModelOptions) => SimpleCNN.create(options),
} as const satisfies Record<string, (options: CreateModelOptions) => TrainableClassifier>;

/** Names accepted by {@link createModel}, e.g. for a CLI's `--model` choices. */
export type ModelName = keyof typeof MODEL_FACTORIES;

/** Every registered model name, in a stable order. */
export const MODEL_NAMES = Object.keys(MODEL_FACTORIES) as readonly ModelName[];

/**
 * Creates a freshly initialised model by name, so apps can offer a `--model` option
 * without knowing each class.
 *
 * @example
 * ```ts
 * const model = createModel('simple-cnn', { seed: 0 });
 * model.numClasses; // 10
 * model.dispose();
 * ```
 */
export function createModel(name: string, options: CreateModelOptions): TrainableClassifier {
  const factory = (
    MODEL_FACTORIES as Record<string, (o: CreateModelOptions) => TrainableClassifier>
  )[name];
  if (!factory) {
    throw new Error(
      `Unknown model ${JSON.stringify(name)}; choose one of: ${MODEL_NAMES.join(', ')}.`,
    );
  }
  return factory(options);
}
