import { type Cifar10Data, DataLoader, tutorialTransform } from '@cnnkit/datasets';
import type { TrainSettings } from '../protocol.js';

/** Training images the per-epoch train accuracy is measured on. */
const TRAIN_EVAL_IMAGES = 2000;

/**
 * The loaders of a run: shuffled training batches (the tutorial transform, the settings'
 * seed and limit), the test set, and the first training images for the train accuracy.
 */
export function trainingLoaders(data: Cifar10Data, settings: TrainSettings) {
  const trainData = new DataLoader(data.train, {
    batchSize: settings.batchSize,
    shuffle: true,
    seed: settings.seed,
    limit: settings.limit ?? undefined,
    transform: tutorialTransform(),
  });
  return {
    trainData,
    testData: new DataLoader(data.test, { batchSize: 500, transform: tutorialTransform() }),
    trainEval: new DataLoader(data.train, {
      batchSize: 500,
      limit: Math.min(TRAIN_EVAL_IMAGES, trainData.imagesPerEpoch),
      transform: tutorialTransform(),
    }),
  };
}
