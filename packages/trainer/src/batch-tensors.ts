import type { ImageBatch } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';

/** The tensors of one batch: NHWC float32 images and int32 labels. */
export interface BatchTensors {
  readonly images: tf.Tensor4D;
  readonly labels: tf.Tensor1D;
}

/** Uploads a batch, checking that its arrays agree with its declared size. */
export function batchToTensors(batch: ImageBatch): BatchTensors {
  const { pixels, labels, size, height, width, channels } = batch;
  if (pixels.length !== size * height * width * channels || labels.length !== size) {
    throw new Error(
      `Batch arrays do not match its shape ${size}×${height}×${width}×${channels}: ` +
        `pixels.length ${pixels.length}, labels.length ${labels.length}.`,
    );
  }
  return {
    images: tf.tensor4d(pixels, [size, height, width, channels], 'float32'),
    labels: tf.tensor1d(labels, 'int32'),
  };
}
