import type { TrainingEvent, TrainingState } from '@cnnkit/contracts';
import { SgdOptimizer } from '../sgd-optimizer.js';
import { type TrainOptions, type TrainResult, train } from '../train.js';
import { MemoryBatchSource, makeImages } from './memory-batch-source.js';
import { TinyClassifier } from './tiny-classifier.js';

/** Settings shared by the training tests; every run with the same values is identical. */
export const TINY_RUN = {
  modelSeed: 1,
  dataSeed: 2,
  trainImages: 14,
  testImages: 6,
  batchSize: 4,
  sgd: { lr: 0.05, momentum: 0.9, weightDecay: 0.001 },
} as const;

export function tinySources() {
  return {
    trainData: new MemoryBatchSource(
      makeImages(TINY_RUN.trainImages, 10),
      TINY_RUN.batchSize,
      TINY_RUN.dataSeed,
    ),
    testData: new MemoryBatchSource(
      makeImages(TINY_RUN.testImages, 11),
      TINY_RUN.batchSize,
      undefined,
    ),
  };
}

export interface TinyRun {
  readonly result: TrainResult;
  readonly events: TrainingEvent[];
  readonly model: TinyClassifier;
  readonly optimizer: SgdOptimizer;
  dispose(): void;
}

/** Trains a fresh TinyClassifier (or the given model/optimizer) on the tiny sources. */
export async function runTinyTraining(
  options: Partial<TrainOptions> & { start?: TrainingState } = {},
): Promise<TinyRun> {
  const model =
    (options.model as TinyClassifier | undefined) ?? new TinyClassifier(TINY_RUN.modelSeed);
  const optimizer = options.optimizer ?? new SgdOptimizer(model.parameters, TINY_RUN.sgd);
  const events: TrainingEvent[] = [];
  const result = await train({
    ...tinySources(),
    epochs: 3,
    reportEvery: 2,
    ...options,
    model,
    optimizer,
    onEvent: async (event) => {
      events.push(event);
      await options.onEvent?.(event);
    },
  });
  return {
    result,
    events,
    model,
    optimizer,
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** The loss of every step, keyed by step. */
export function lossesByStep(events: readonly TrainingEvent[]): Map<number, number> {
  return new Map(
    events.flatMap((e) => (e.type === 'batch-end' ? [[e.step, e.loss] as const] : [])),
  );
}
