import type { TrainableClassifier } from '@cnnkit/contracts';
import { type BatchTransform, DataLoader, type ImageDataset } from '@cnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import type { TopK } from '../protocol.js';
import { topK } from '../top-k.js';

/**
 * Class probabilities of every image of `dataset` (through `transform`: the model's own
 * normalisation, as the trainer and `cnnkit eval` use it), returned as the `k` most probable
 * classes per image.
 */
export async function predictTopK(
  model: TrainableClassifier,
  dataset: ImageDataset,
  transform: BatchTransform,
  k = 3,
): Promise<TopK[]> {
  const loader = new DataLoader(dataset, { batchSize: 256, transform });
  const results: TopK[] = [];
  for await (const batch of loader.batches(0)) {
    const probabilities = tf.tidy(() =>
      tf.softmax(
        model.logits(
          tf.tensor4d(batch.pixels, [batch.size, batch.height, batch.width, batch.channels]),
        ),
      ),
    );
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    for (let i = 0; i < batch.size; i++) {
      results.push(topK(values.subarray(i * model.numClasses, (i + 1) * model.numClasses), k));
    }
  }
  return results;
}

/** The first `count` images of a data set as a data set of their own (views, no copies). */
export function firstImages(dataset: ImageDataset, count: number): ImageDataset {
  const n = Math.min(count, dataset.count);
  const imageBytes = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    count: n,
    images: dataset.images.subarray(0, n * imageBytes),
    labels: dataset.labels.subarray(0, n),
  };
}

/** One 32×32 RGB image (HWC bytes) as a data set of one, with a placeholder label 0. */
export function singleImage(pixels: Uint8Array, classNames: readonly string[]): ImageDataset {
  if (pixels.length !== 32 * 32 * 3) {
    throw new Error(`expected 32×32 RGB bytes (3,072), got ${pixels.length}`);
  }
  return {
    images: pixels,
    labels: new Uint8Array(1),
    count: 1,
    height: 32,
    width: 32,
    channels: 3,
    classNames,
  };
}
