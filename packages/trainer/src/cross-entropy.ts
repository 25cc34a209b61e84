import {
  hasFusedKernel,
  type LossSettings,
  runFusedKernel,
  softmaxCrossEntropyKernel,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { labelSmoothedCrossEntropy } from './label-smoothed-cross-entropy.js';

function checkLossSettings(settings: LossSettings): Required<LossSettings> {
  const { labelSmoothing = 0, reduction = 'mean' } = settings;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new RangeError(
      `crossEntropyLoss labelSmoothing must be from 0 to 1, got ${String(labelSmoothing)}; airbench uses 0.2.`,
    );
  }
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new RangeError(
      `crossEntropyLoss reduction must be 'mean' or 'sum', got ${JSON.stringify(reduction)}.`,
    );
  }
  return { labelSmoothing, reduction };
}

/**
 * Mean cross-entropy of `logits` against integer class `labels`, like PyTorch's
 * `nn.CrossEntropyLoss()` (reduction `'mean'`). Computed through `logSoftmax`, so large
 * logits do not overflow, with the exact gradient `(softmax(logits) - oneHot(labels)) / batch`.
 * On a backend with the fused `softmaxCrossEntropyKernel` of `@cnnkit/contracts`
 * (`@cnnkit/wasm-kernels` registers one for 'wasm') the loss and its gradient are one kernel
 * call instead of about twenty; this package never imports backend code.
 *
 * `settings` give PyTorch's `label_smoothing` and `reduction: 'sum'` (airbench's loss is
 * `CrossEntropyLoss(label_smoothing=0.2, reduction='none')(…).sum()`). Without smoothing the
 * fused kernel still runs (a sum is the mean times the batch size); with smoothing the loss
 * is {@link labelSmoothedCrossEntropy}'s one custom-gradient op.
 *
 * @param logits - `[batch, numClasses]` float32 scores.
 * @param labels - `[batch]` int32 class indices in `[0, numClasses)`.
 * @param settings - label smoothing (default 0) and reduction (default `'mean'`).
 * @returns A scalar; intermediate tensors are released, the caller owns the result.
 *
 * @example
 * ```ts
 * const logits = tf.tensor2d([[2, 0, 0], [0, 0, 5]]);
 * const labels = tf.tensor1d([0, 2], 'int32');
 * const loss = crossEntropyLoss(logits, labels);
 * (await loss.data())[0]; // ≈ 0.1265
 * const smoothed = crossEntropyLoss(logits, labels, { labelSmoothing: 0.2, reduction: 'sum' });
 * (await smoothed.data())[0]; // ≈ 1.1863
 * tf.dispose([logits, labels, loss, smoothed]);
 * ```
 */
export function crossEntropyLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  settings: LossSettings = {},
): tf.Scalar {
  const { labelSmoothing, reduction } = checkLossSettings(settings);
  if (logits.rank !== 2) {
    throw new Error(
      `crossEntropyLoss needs [batch, numClasses] logits, got shape [${logits.shape}].`,
    );
  }
  const [batchSize] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== batchSize) {
    throw new Error(
      `crossEntropyLoss needs one label per row of logits (${batchSize}), got labels of shape [${labels.shape}].`,
    );
  }
  if (labelSmoothing > 0) {
    return labelSmoothedCrossEntropy(logits, labels, labelSmoothing, reduction);
  }
  if (reduction === 'sum') {
    return tf.tidy(() => tf.mul(meanCrossEntropy(logits, labels), batchSize));
  }
  return meanCrossEntropy(logits, labels);
}

function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [batchSize, numClasses] = logits.shape;
  const fused = hasFusedKernel(softmaxCrossEntropyKernel);
  const loss = tf.customGrad((x, y, save) => {
    if (fused) {
      const labelTensor = y as tf.Tensor1D;
      const [value, gradient] = runFusedKernel(softmaxCrossEntropyKernel, {
        logits: x as tf.Tensor2D,
        labels: labelTensor.dtype === 'int32' ? labelTensor : tf.cast(labelTensor, 'int32'),
      });
      (save as tf.GradSaveFunc)([gradient]);
      return {
        value,
        gradFunc: (dy, saved) => [
          tf.mul((saved as [tf.Tensor])[0], dy),
          // Labels are not differentiable; the engine still wants a float32 gradient per input.
          tf.zeros(labels.shape),
        ],
      };
    }
    const logProbs = tf.logSoftmax(x as tf.Tensor2D);
    const oneHot = tf.oneHot(tf.cast(y as tf.Tensor1D, 'int32'), numClasses);
    const value = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1)));
    (save as tf.GradSaveFunc)([logProbs, oneHot]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [savedLogProbs, savedOneHot] = saved as [tf.Tensor, tf.Tensor];
        const dLogits = tf.mul(tf.div(tf.sub(tf.exp(savedLogProbs), savedOneHot), batchSize), dy);
        return [dLogits, tf.zeros(labels.shape)];
      },
    };
  });
  return loss(logits, labels) as tf.Scalar;
}
