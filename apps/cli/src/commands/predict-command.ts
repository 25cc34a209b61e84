import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend.js';
import type { PredictOptions } from '../cli-program.js';
import { readImageFile } from '../image-file.js';
import { loadModelForWeights } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

interface Prediction {
  readonly file: string;
  readonly top: { readonly label: string; readonly probability: number }[];
}

/**
 * `cnnkit predict`: the top-k classes of each image with softmax probabilities, named, sized,
 * resized and normalised as the weights' metadata says (CIFAR-10's defaults without it).
 */
export async function predictCommand(files: string[], options: PredictOptions): Promise<void> {
  await selectBackend({ requested: options.backend, threads: options.threads, log: notify });
  const { model, info } = await loadModelForWeights(options.weights);
  const [size] = info.inputShape;
  const { mean, std } = info.normalize;
  let values: number[][];
  try {
    checkFiniteWeights(options.weights, model.saveWeights(), {
      allow: options.allowNonFinite,
      notify,
    });
    // One at a time: each decode may take hundreds of MB before it is resized.
    const images: Uint8Array[] = [];
    for (const file of files) images.push(await readImageFile(file, { size, resize: info.resize }));
    const imageBytes = size * size * 3;
    const probabilities = tf.tidy(() => {
      const pixels = new Float32Array(images.length * imageBytes);
      images.forEach((image, i) => {
        for (let j = 0; j < imageBytes; j++) {
          const channel = j % 3;
          pixels[i * imageBytes + j] =
            ((image[j] as number) / 255 - (mean[channel] as number)) / (std[channel] as number);
        }
      });
      return tf.softmax(model.logits(tf.tensor4d(pixels, [images.length, size, size, 3])));
    });
    values = (await probabilities.array()) as number[][];
    probabilities.dispose();
  } finally {
    model.dispose();
  }
  const k = Math.min(options.top, info.classNames.length);
  const predictions: Prediction[] = files.map((file, i) => ({
    file,
    top: (values[i] as number[])
      .map((probability, c) => ({ label: info.classNames[c] ?? String(c), probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k),
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(predictions)}\n`);
    return;
  }
  const width = Math.max(10, ...info.classNames.map((name) => name.length));
  for (const p of predictions) {
    process.stdout.write(`${p.file}\n`);
    for (const { label, probability } of p.top) {
      process.stdout.write(
        `  ${label.padEnd(width)} ${(100 * probability).toFixed(1).padStart(5)} %\n`,
      );
    }
  }
}
