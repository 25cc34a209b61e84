// TypeScript consumer of the publish rehearsal: type-checked (`tsc --noEmit`) against the
// installed packages under moduleResolution node16 and bundler. `@ts-expect-error` lines
// fail the check if a type silently became `any`.

import { CIFAR10_SAMPLE_TRAIN_COUNT, cifar10SampleUrl } from '@cnnkit/cifar10-sample';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { BatchSource, TrainableClassifier } from '@cnnkit/contracts';
import {
  type Cifar10Data,
  compose,
  DataLoader,
  type ImageBatch,
  normalize,
  toTensor,
} from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { createModel, SimpleCNN } from '@cnnkit/models';
import { deriveSeed, Rng, type RngState } from '@cnnkit/random';
import { decodeSafetensors, encodeSafetensors } from '@cnnkit/safetensors';
import { SgdOptimizer, type TrainResult, train } from '@cnnkit/trainer';
import { loadCheckpoint, saveCheckpoint } from '@cnnkit/trainer/node';
import { registerWasmTrainingKernels, supportedTfjsVersion } from '@cnnkit/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

export async function run(dir: string): Promise<TrainResult> {
  const url: URL = cifar10SampleUrl;
  const count: number = CIFAR10_SAMPLE_TRAIN_COUNT;
  const data: Cifar10Data = await openCifar10(cifar10SamplePath());
  const loader = new DataLoader(data.train, {
    batchSize: 4,
    transform: compose(toTensor(), normalize(0.5, 0.5)),
  });
  const source: BatchSource = loader;
  for await (const batch of loader.batches(0)) {
    const b: ImageBatch = batch;
    // @ts-expect-error pixels are a Float32Array, not a string
    const wrong: string = b.pixels;
    void wrong;
    break;
  }
  const model: TrainableClassifier = SimpleCNN.create({ seed: deriveSeed(0, 1) });
  const other = createModel('simple-cnn', { seed: 1 });
  // @ts-expect-error numClasses is a number
  const notCount: string = other.numClasses;
  void notCount;
  const rngState: RngState = new Rng(0).state();
  const bytes: Uint8Array = model.saveWeights();
  const decoded = decodeSafetensors(bytes);
  encodeSafetensors({ x: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.001, momentum: 0.9 });
  const version: string = supportedTfjsVersion;
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  const result = await train({ model, optimizer, trainData: source, epochs: 1 });
  await saveCheckpoint(dir, await loadCheckpoint(dir));
  void [url, count, rngState, decoded, version];
  return result;
}
