import * as tf from '@tensorflow/tfjs-core';

/**
 * Cross-entropy against smoothed targets `(1 − ε)·oneHot(labels) + ε/classes`, summed or
 * averaged over the batch: PyTorch's `F.cross_entropy(logits, labels, label_smoothing=ε,
 * reduction)`. One custom-gradient op with the analytic gradient
 * `softmax(logits) − target` (divided by the batch size for `'mean'`). The caller has checked
 * the shapes (see `crossEntropyLoss`, which routes here).
 *
 * @example
 * ```ts
 * const logits = tf.tensor2d([[2, 0, 0], [0, 0, 5]]);
 * const labels = tf.tensor1d([0, 2], 'int32');
 * const loss = labelSmoothedCrossEntropy(logits, labels, 0.2, 'sum');
 * (await loss.data())[0]; // ≈ 1.1863
 * tf.dispose([logits, labels, loss]);
 * ```
 */
export function labelSmoothedCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  smoothing: number,
  reduction: 'mean' | 'sum',
): tf.Scalar {
  const [batchSize, numClasses] = logits.shape;
  const loss = tf.customGrad((x, y, save) => {
    const logProbs = tf.logSoftmax(x as tf.Tensor2D);
    const oneHot = tf.oneHot(tf.cast(y as tf.Tensor1D, 'int32'), numClasses);
    const target = tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / numClasses);
    const perImage = tf.neg(tf.sum(tf.mul(target, logProbs), 1));
    const value = reduction === 'sum' ? tf.sum(perImage) : tf.mean(perImage);
    (save as tf.GradSaveFunc)([logProbs, target]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [savedLogProbs, savedTarget] = saved as [tf.Tensor, tf.Tensor];
        const perLogit = tf.sub(tf.exp(savedLogProbs), savedTarget);
        const scaled = reduction === 'sum' ? perLogit : tf.div(perLogit, batchSize);
        // Labels are not differentiable; the engine still wants a float32 gradient per input.
        return [tf.mul(scaled, dy), tf.zeros(labels.shape)];
      },
    };
  });
  return loss(logits, labels) as tf.Scalar;
}
