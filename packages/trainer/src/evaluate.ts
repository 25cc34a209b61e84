import type {
  BatchSource,
  EvaluationResult,
  TestTimeAugmentation,
  TrainableClassifier,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors } from './batch-tensors.js';
import { augmentedLogits, checkTestTimeAugmentation } from './test-time-augmentation.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Number of classes (rows and columns of the confusion matrix). */
  readonly numClasses: number;
  /** Which epoch's batches to ask the source for; a test set's order does not matter. Default 0. */
  readonly epoch?: number;
  /** Average the logits over mirrored and shifted copies (see `augmentedLogits`). Default `'none'`. */
  readonly testTimeAugmentation?: TestTimeAugmentation;
}

/**
 * Runs the model over every batch of `data` in evaluation mode and measures mean
 * cross-entropy, accuracy, per-class accuracy and the confusion matrix (rows = true class,
 * columns = predicted), optionally of test-time-augmented logits. Batches are processed one
 * at a time; no tensor outlives the call.
 *
 * @example
 * ```ts
 * const result = await evaluate(model, testData, { numClasses: 10 });
 * console.log(`accuracy ${(100 * result.accuracy).toFixed(1)} %`);
 * const tta = await evaluate(model, testData, { numClasses: 10, testTimeAugmentation: 'mirror-translate' });
 * ```
 */
export async function evaluate(
  model: TrainableClassifier,
  data: BatchSource,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const { numClasses, epoch = 0, testTimeAugmentation = 'none' } = options;
  checkTestTimeAugmentation(testTimeAugmentation, 'evaluate');
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`evaluate needs numClasses >= 1, got ${String(numClasses)}.`);
  }
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let lossSum = 0;
  let count = 0;
  const started = performance.now();
  for await (const batch of data.batches(epoch)) {
    const { lossTotal, predictions } = tf.tidy(() => {
      const { images, labels } = batchToTensors(batch);
      const logits = augmentedLogits(model, images, testTimeAugmentation);
      if (logits.shape[1] !== numClasses) {
        throw new Error(
          `The model gives ${logits.shape[1]} logits per image but evaluate was told numClasses ${numClasses}.`,
        );
      }
      const logProbs = tf.logSoftmax(logits);
      const picked = tf.sum(tf.mul(tf.oneHot(labels, numClasses), logProbs));
      return { lossTotal: tf.neg(picked), predictions: tf.argMax(logits, 1) };
    });
    const [lossValue, predicted] = await Promise.all([lossTotal.data(), predictions.data()]);
    tf.dispose([lossTotal, predictions]);
    lossSum += lossValue[0] as number;
    for (let i = 0; i < batch.size; i++) {
      const truth = batch.labels[i] as number;
      const row = confusion[truth];
      if (!row) {
        throw new RangeError(
          `Label ${truth} at position ${i} of a batch is outside [0, ${numClasses}).`,
        );
      }
      row[predicted[i] as number] = (row[predicted[i] as number] as number) + 1;
    }
    count += batch.size;
  }
  if (count === 0) {
    throw new Error(
      'evaluate got no batches from its data source; check the test set and its limit.',
    );
  }
  const seconds = (performance.now() - started) / 1000;
  let correct = 0;
  const perClassAccuracy = confusion.map((row, cls) => {
    const total = row.reduce((a, b) => a + b, 0);
    correct += row[cls] as number;
    return total === 0 ? null : (row[cls] as number) / total;
  });
  return {
    loss: lossSum / count,
    accuracy: correct / count,
    perClassAccuracy,
    confusionMatrix: confusion,
    count,
    imagesPerSecond: seconds > 0 ? count / seconds : 0,
  };
}
