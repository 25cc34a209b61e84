import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { TrainableClassifier } from '@cnnkit/contracts';
import type { ImageDataset } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import { AirbenchNet } from '../airbench-net.js';
import { createModel, type ModelName } from '../model-registry.js';

/** The models every export test runs, small enough for CI (default widths: the slow test). */
export const CI_MODELS: readonly { name: ModelName; options: Record<string, unknown> }[] = [
  { name: 'simple-cnn', options: {} },
  { name: 'airbench', options: { widths: [16, 32, 32] } },
  { name: 'resnet9', options: { widths: { prep: 8, layer1: 16, layer2: 32, layer3: 32 } } },
];

/** Images with labels, NHWC float32, normalised like cnnkit's trainer (`pixel / 127.5 − 1`). */
export interface LabelledImages {
  readonly nhwc: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly classNames: readonly string[];
}

const SIDE = 32;
const CHANNELS = 3;
const IMAGE = SIDE * SIDE * CHANNELS;

function normalised(dataset: ImageDataset, flip: boolean): Float32Array {
  const out = new Float32Array(dataset.count * IMAGE);
  for (let n = 0; n < dataset.count; n++) {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const from = n * IMAGE + (y * SIDE + (flip ? SIDE - 1 - x : x)) * CHANNELS;
        const to = n * IMAGE + (y * SIDE + x) * CHANNELS;
        for (let c = 0; c < CHANNELS; c++) {
          out[to + c] = (dataset.images[from + c] as number) / 127.5 - 1;
        }
      }
    }
  }
  return out;
}

let sample: Promise<{ train: LabelledImages; test: LabelledImages }> | undefined;

/**
 * The embedded sample's images: `train`, its 2,000 training images; `test`, the 1,000 images the
 * acceptance tests classify — its 500 test images, then the same 500 mirrored left to right
 * (a real test image each, with its label; no data outside the repository needed).
 */
export function sampleImages(): Promise<{ train: LabelledImages; test: LabelledImages }> {
  sample ??= openCifar10(cifar10SamplePath()).then(({ train, test }) => {
    const testImages = new Float32Array(2 * test.count * IMAGE);
    testImages.set(normalised(test, false));
    testImages.set(normalised(test, true), test.count * IMAGE);
    const testLabels = Int32Array.from([...test.labels, ...test.labels]);
    return {
      train: {
        nhwc: normalised(train, false),
        labels: Int32Array.from(train.labels),
        count: train.count,
        classNames: train.classNames,
      },
      test: {
        nhwc: testImages,
        labels: testLabels,
        count: 2 * test.count,
        classNames: test.classNames,
      },
    };
  });
  return sample;
}

/** NHWC → NCHW (what ONNX models take). */
export function toNchw(nhwc: Float32Array, count: number): Float32Array {
  const out = new Float32Array(nhwc.length);
  const plane = SIDE * SIDE;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < CHANNELS; c++) {
        out[n * IMAGE + c * plane + p] = nhwc[n * IMAGE + p * CHANNELS + c] as number;
      }
    }
  }
  return out;
}

function batch(images: LabelledImages, start: number, size: number): tf.Tensor4D {
  return tf.tensor4d(images.nhwc.subarray(start * IMAGE, (start + size) * IMAGE), [
    size,
    SIDE,
    SIDE,
    CHANNELS,
  ]);
}

/**
 * A model with weights that classify, made in seconds on tfjs's own wasm backend: random
 * convolutions (PyTorch's init; airbench's whitening from the sample's training images), then
 * `epochs` of SGD with momentum on the sample's 2,000 training images in file order for the
 * fully connected layers only (SimpleCNN's fc1–fc3, the other nets' head). Only those are
 * trained because gradients then never pass through a convolution: tfjs's wasm backend has no `Conv2DBackpropFilter`,
 * cnnkit's wasm kernels live in a package that depends on this one, and training whole nets on
 * the cpu backend takes minutes. The forward passes run in training mode, so BatchNorm's running
 * statistics are real too.
 */
export async function trainedModel(
  name: ModelName,
  options: Record<string, unknown>,
  { epochs = 3, batchSize = 50, lr = 0.02 } = {},
): Promise<TrainableClassifier> {
  const { train } = await sampleImages();
  const model = createModel(name, { seed: 0, ...options });
  if (model instanceof AirbenchNet) {
    const images = batch(train, 0, 500);
    model.initWhitening(images);
    images.dispose();
  }
  // State-dict order: the first matrix is the first fully connected layer's weight.
  const firstDense = model.parameters.findIndex((p) => p.variable.rank === 2);
  const variables = model.parameters.slice(firstDense).map((p) => p.variable);
  const optimizer = tf.train.momentum(lr, 0.9, true);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start + batchSize <= train.count; start += batchSize) {
      tf.tidy(() => {
        const images = batch(train, start, batchSize);
        const labels = tf.oneHot(
          tf.tensor1d(train.labels.subarray(start, start + batchSize), 'int32'),
          model.numClasses,
        );
        optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(labels, model.logits(images, { training: true })),
          false,
          variables,
        );
      });
    }
  }
  optimizer.dispose();
  return model;
}

/** Evaluation-mode logits of every image, `[count, classes]` row-major. */
export function modelLogits(model: TrainableClassifier, images: LabelledImages): Float32Array {
  const out = new Float32Array(images.count * model.numClasses);
  const size = 100;
  for (let start = 0; start < images.count; start += size) {
    const n = Math.min(size, images.count - start);
    const logits = tf.tidy(() => model.logits(batch(images, start, n)));
    out.set(logits.dataSync() as Float32Array, start * model.numClasses);
    logits.dispose();
  }
  return out;
}

/** The index of the largest score of each row. */
export function predictions(scores: ArrayLike<number>, classes: number): Int32Array {
  const rows = scores.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if ((scores[r * classes + c] as number) > (scores[r * classes + best] as number)) best = c;
    }
    out[r] = best;
  }
  return out;
}

/** The fraction of rows whose top score is the label's. */
export function accuracy(scores: ArrayLike<number>, labels: Int32Array, classes: number): number {
  const predicted = predictions(scores, classes);
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}
