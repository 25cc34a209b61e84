import type { TrainableClassifier } from '@cnnkit/contracts';
import { type BatchTransform, compose, normalize, toTensor } from '@cnnkit/datasets';
import { createModel, type WeightsInfo } from '@cnnkit/models';

/**
 * A fresh model as weights metadata describes it (`simple-cnn`, `airbench`, … with its
 * options), drawn from `seed`: what a weights file is loaded into, and the page's model before
 * any run. An error names what the metadata asked for.
 */
export function modelForInfo(info: WeightsInfo, seed = 0): TrainableClassifier {
  try {
    return createModel(info.model, { seed, ...info.modelOptions });
  } catch (error) {
    throw new Error(
      `cannot build ${info.model} with ${JSON.stringify(info.modelOptions)}: ${(error as Error).message}`,
    );
  }
}

/**
 * The pipeline that turns image bytes into what the model was trained on: floats in [0, 1],
 * then the normalisation its weights record (the tutorial's 0.5 / 0.5, CIFAR-10's statistics).
 */
export function evalTransformOf(info: WeightsInfo): BatchTransform {
  return compose(toTensor(), normalize(info.normalize.mean, info.normalize.std));
}
