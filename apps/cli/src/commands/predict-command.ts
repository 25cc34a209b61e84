import { CIFAR10_CLASS_NAMES, type RgbImage } from '@cnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend.js';
import type { PredictOptions } from '../cli-program.js';
import { readImageFile } from '../image-file.js';
import { loadSimpleCnn } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

interface Prediction {
  readonly file: string;
  readonly top: { readonly label: string; readonly probability: number }[];
}

/** `cnnkit predict`: top-k CIFAR-10 classes for each image, with softmax probabilities. */
export async function predictCommand(files: string[], options: PredictOptions): Promise<void> {
  await selectBackend({ requested: options.backend, threads: options.threads, log: notify });
  // One at a time: each decoded image may take hundreds of MB before it is resized.
  const images: RgbImage[] = [];
  for (const file of files) images.push(await readImageFile(file, 32));
  const model = await loadSimpleCnn(options.weights);
  try {
    checkFiniteWeights(options.weights, model.saveWeights(), {
      allow: options.allowNonFinite,
      notify,
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const k = Math.min(options.top, model.numClasses);
  const probabilities = tf.tidy(() => {
    const pixels = new Float32Array(images.length * 32 * 32 * 3);
    // The tutorial's ToTensor + Normalize(0.5, 0.5): [0, 255] → [-1, 1].
    images.forEach((image, i) => {
      for (let j = 0; j < image.pixels.length; j++) {
        pixels[i * 3072 + j] = (image.pixels[j] as number) / 127.5 - 1;
      }
    });
    return tf.softmax(model.logits(tf.tensor4d(pixels, [images.length, 32, 32, 3])));
  });
  const values = (await probabilities.array()) as number[][];
  probabilities.dispose();
  model.dispose();
  const predictions: Prediction[] = files.map((file, i) => ({
    file,
    top: (values[i] as number[])
      .map((probability, c) => ({ label: CIFAR10_CLASS_NAMES[c] ?? String(c), probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k),
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(predictions)}\n`);
    return;
  }
  for (const p of predictions) {
    process.stdout.write(`${p.file}\n`);
    for (const { label, probability } of p.top) {
      process.stdout.write(
        `  ${label.padEnd(10)} ${(100 * probability).toFixed(1).padStart(5)} %\n`,
      );
    }
  }
}
