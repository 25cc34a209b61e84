import type { TestTimeAugmentation, TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';

const LEVELS: readonly TestTimeAugmentation[] = ['none', 'mirror', 'mirror-translate'];

/** Throws, quoting the value, unless `level` is a {@link TestTimeAugmentation}. */
export function checkTestTimeAugmentation(level: TestTimeAugmentation, where: string): void {
  if (!LEVELS.includes(level)) {
    throw new RangeError(
      `${where}: test-time augmentation must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}.`,
    );
  }
}

function mirroredPair(model: TrainableClassifier, images: tf.Tensor4D): tf.Tensor2D {
  // NHWC: axis 2 is the width, so this is a left-right mirror.
  return tf.mul(
    tf.add(model.logits(images), model.logits(tf.reverse(images, 2) as tf.Tensor4D)),
    0.5,
  ) as tf.Tensor2D;
}

/**
 * The model's evaluation-mode logits for NHWC `images` under test-time augmentation, as
 * airbench's `infer` computes them: `'none'` the plain logits; `'mirror'`
 * `½·(f(x) + f(mirror x))`; `'mirror-translate'` `½·mirror-pair(x) + ½·mean(mirror-pair(t₁),
 * mirror-pair(t₂))`, where t₁ and t₂ are x shifted by one pixel down-right and up-left
 * (reflect padding 1, crops at (0, 0) and (2, 2)). Six forward passes at the top level.
 *
 * @example
 * ```ts
 * const images = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
 * const logits = augmentedLogits(model, images, 'mirror-translate');
 * logits.shape; // [2, 10]
 * tf.dispose([images, logits]);
 * ```
 */
export function augmentedLogits(
  model: TrainableClassifier,
  images: tf.Tensor4D,
  level: TestTimeAugmentation,
): tf.Tensor2D {
  checkTestTimeAugmentation(level, 'augmentedLogits');
  if (level === 'none') return model.logits(images);
  return tf.tidy(() => {
    const pair = mirroredPair(model, images);
    if (level === 'mirror') return pair;
    const [n, h, w, c] = images.shape;
    const padded = tf.mirrorPad(
      images,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      'reflect',
    );
    const shifted = [
      tf.slice(padded, [0, 0, 0, 0], [n, h, w, c]),
      tf.slice(padded, [0, 2, 2, 0], [n, h, w, c]),
    ].map((x) => mirroredPair(model, x as tf.Tensor4D));
    const translated = tf.mul(tf.add(shifted[0] as tf.Tensor, shifted[1] as tf.Tensor), 0.5);
    return tf.mul(tf.add(pair, translated), 0.5) as tf.Tensor2D;
  });
}
