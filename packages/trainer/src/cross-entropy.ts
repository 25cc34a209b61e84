import { hasFusedKernel, runFusedKernel, softmaxCrossEntropyKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean cross-entropy of `logits` against integer class `labels`, like PyTorch's
 * `nn.CrossEntropyLoss()` (reduction `'mean'`). Computed through `logSoftmax`, so large
 * logits do not overflow, with the exact gradient `(softmax(logits) - oneHot(labels)) / batch`.
 * On a backend with the fused `softmaxCrossEntropyKernel` of `@cnnkit/contracts`
 * (`@cnnkit/wasm-kernels` registers one for 'wasm') the loss and its gradient are one kernel
 * call instead of about twenty; this package never imports backend code.
 *
 * @param logits - `[batch, numClasses]` float32 scores.
 * @param labels - `[batch]` int32 class indices in `[0, numClasses)`.
 * @returns A scalar; intermediate tensors are released, the caller owns the result.
 *
 * @example
 * ```ts
 * const logits = tf.tensor2d([[2, 0, 0], [0, 0, 5]]);
 * const labels = tf.tensor1d([0, 2], 'int32');
 * const loss = crossEntropyLoss(logits, labels);
 * (await loss.data())[0]; // ≈ 0.1265
 * tf.dispose([logits, labels, loss]);
 * ```
 */
export function crossEntropyLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 2) {
    throw new Error(
      `crossEntropyLoss needs [batch, numClasses] logits, got shape [${logits.shape}].`,
    );
  }
  const [batchSize, numClasses] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== batchSize) {
    throw new Error(
      `crossEntropyLoss needs one label per row of logits (${batchSize}), got labels of shape [${labels.shape}].`,
    );
  }
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
