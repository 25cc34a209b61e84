import { readFileSync } from 'node:fs';
import type { BatchSource, ImageBatch } from '@cnnkit/contracts';
import {
  type DecodedTensor,
  decodeSafetensors,
  encodeSafetensors,
  tensorToBigInt64,
  tensorValues,
} from '@cnnkit/safetensors';

/** scripts/pytorch/make_recipe_fixtures.py's nine steps of the fast recipe, as read. */
export const recipeTraining = decodeSafetensors(
  readFileSync(new URL('../fixtures/recipe-training.safetensors', import.meta.url)),
  'recipe-training.safetensors',
);

const meta = recipeTraining.metadata;
export const RECIPE_RUN = {
  widths: JSON.parse(meta.widths as string) as number[],
  epochs: Number(meta.epochs),
  batchesPerEpoch: Number(meta.batchesPerEpoch),
  batchSize: Number(meta.batchSize),
  imageSize: Number(meta.imageSize),
  labelSmoothing: Number(meta.labelSmoothing),
  lookaheadEvery: Number(meta.lookaheadEvery),
  whiteningBiasEpochs: Number(meta.whiteningBiasEpochs),
  momentum: Number(meta.momentum),
  sgd: JSON.parse(meta.sgd as string) as {
    lr: number;
    biasLr: number;
    weightDecay: number;
    biasWeightDecay: number;
  },
  lrSchedule: JSON.parse(meta.lrSchedule as string) as [number, number][],
} as const;

export function fixtureTensor(name: string): DecodedTensor {
  const tensor = recipeTraining.tensors.get(name);
  if (!tensor) throw new Error(`recipe-training.safetensors has no tensor "${name}"`);
  return tensor;
}

/** The fixture's `{prefix}{key}` tensors as a state_dict file with plain keys. */
export function stateDictBytes(prefix: string): Uint8Array {
  const entries = [...recipeTraining.tensors.values()]
    .filter((t) => t.name.startsWith(prefix))
    .map((t) => [
      t.name.slice(prefix.length),
      {
        dtype: t.dtype,
        shape: t.shape,
        data: t.dtype === 'I64' ? tensorToBigInt64(t) : tensorValues(t),
      },
    ]);
  return encodeSafetensors(Object.fromEntries(entries));
}

/** The fixture's batches, in its order: epoch e, batch b is chunk e·batchesPerEpoch + b. */
export function fixtureBatches(): BatchSource {
  const { batchSize, batchesPerEpoch, imageSize } = RECIPE_RUN;
  const pixels = tensorValues(fixtureTensor('images')) as Float32Array;
  const labels = tensorValues(fixtureTensor('labels')) as Int32Array;
  const imageValues = imageSize * imageSize * 3;
  return {
    batchesPerEpoch,
    imagesPerEpoch: batchesPerEpoch * batchSize,
    async *batches(epoch: number, startBatch = 0): AsyncIterable<ImageBatch> {
      for (let b = startBatch; b < batchesPerEpoch; b++) {
        const first = (epoch * batchesPerEpoch + b) * batchSize;
        yield {
          pixels: pixels.slice(first * imageValues, (first + batchSize) * imageValues),
          labels: labels.slice(first, first + batchSize),
          size: batchSize,
          height: imageSize,
          width: imageSize,
          channels: 3,
        };
      }
    },
  };
}
