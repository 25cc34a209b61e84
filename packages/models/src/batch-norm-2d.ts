import {
  batchNormTrainGradKernel,
  batchNormTrainKernel,
  hasFusedKernel,
  runFusedKernel,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { batchCountLayout, channelVectorLayout } from './parameter-layouts.js';
import { createStateEntry, type StateEntry } from './state-dict.js';

/** BatchNorm's reduction axes over an NHWC map: every axis but the channels. */
const batchAxes = [0, 1, 2];

/** Settings of a {@link BatchNorm2d}; the defaults are `torch.nn.BatchNorm2d`'s. */
export interface BatchNorm2dOptions {
  readonly numFeatures: number;
  /** Added to the variance before the square root; default 1e-5. */
  readonly eps?: number;
  /**
   * Weight of the new batch in the running statistics, in PyTorch's convention:
   * `running = (1 − momentum)·running + momentum·batch`; default 0.1. (Keras and airbench's
   * hyper-parameter files write the other convention: their 0.6 is PyTorch's 0.4.)
   */
  readonly momentum?: number;
  /**
   * Train the scale (`weight`, initially 1); default true. False freezes it, as airbench does:
   * it stays in the state_dict and the forward pass, but moves to `buffers`.
   */
  readonly weightTrainable?: boolean;
}

/**
 * Batch normalisation over the channels of NHWC maps, with PyTorch's semantics and state_dict:
 * `{prefix}.weight`, `.bias`, `.running_mean`, `.running_var` and `.num_batches_tracked`
 * (int64 in files, int32 here).
 *
 * - **Training** (`apply(x, true)`): normalises with the batch's mean and biased variance over
 *   (n, h, w), then updates the running statistics with the *unbiased* variance
 *   (× m/(m − 1) for m values per channel) and adds 1 to `num_batches_tracked`.
 * - **Evaluation** (`apply(x, false)`): normalises with the running statistics; changes nothing.
 *
 * @example
 * ```ts
 * const norm = new BatchNorm2d('norm1', { numFeatures: 4, eps: 1e-12, momentum: 0.4, weightTrainable: false });
 * const x = tf.randomNormal([2, 3, 3, 4], 5, 2, 'float32', 1);
 * const y = norm.apply(x, true); // per channel: mean 0, variance 1
 * // running_mean = 0.6 · 0 + 0.4 · (batch mean ≈ 5)
 * norm.runningMean.variable.dataSync()[0]; // ≈ 2
 * norm.numBatchesTracked.variable.dataSync()[0]; // 1
 * tf.dispose([x, y]);
 * norm.dispose();
 * ```
 */
export class BatchNorm2d {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weight: StateEntry;
  readonly bias: StateEntry;
  readonly runningMean: StateEntry;
  readonly runningVar: StateEntry;
  readonly numBatchesTracked: StateEntry;
  /** The layer's state_dict entries, in PyTorch's order. */
  readonly state: readonly StateEntry[];

  /** PyTorch's initial state: weight 1, bias 0, running mean 0, running variance 1, count 0. */
  constructor(prefix: string, options: BatchNorm2dOptions) {
    const { numFeatures: size } = options;
    this.numFeatures = size;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const vector = (name: string, kind: StateEntry['kind'], value: number, trainable: boolean) =>
      createStateEntry(
        channelVectorLayout(`${prefix}.${name}`, { size }),
        kind,
        new Float32Array(size).fill(value),
        trainable,
      );
    this.weight = vector('weight', 'norm-weight', 1, options.weightTrainable ?? true);
    this.bias = vector('bias', 'norm-bias', 0, true);
    this.runningMean = vector('running_mean', 'running-mean', 0, false);
    this.runningVar = vector('running_var', 'running-var', 1, false);
    this.numBatchesTracked = createStateEntry(
      batchCountLayout(`${prefix}.num_batches_tracked`),
      'batch-count',
      new Float32Array(1),
      false,
    );
    this.state = [
      this.weight,
      this.bias,
      this.runningMean,
      this.runningVar,
      this.numBatchesTracked,
    ];
  }

  /**
   * Normalises NHWC `x` per channel: with batch statistics (updating the running ones) when
   * `training`, with the running statistics otherwise.
   */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const scale = this.weight.variable as tf.Tensor1D;
    const offset = this.bias.variable as tf.Tensor1D;
    if (!training) {
      return tf.batchNorm4d(
        x,
        this.runningMean.variable as tf.Tensor1D,
        this.runningVar.variable as tf.Tensor1D,
        offset,
        scale,
        this.eps,
      );
    }
    const [n, h, w] = x.shape;
    const count = n * h * w;
    if (count < 2) {
      throw new Error(
        `BatchNorm2d in training mode needs more than 1 value per channel, got input shape [${x.shape.join(', ')}]; train with a larger batch or evaluate with training false.`,
      );
    }
    return this.normaliseWithBatchStatistics(x, scale, offset, count);
  }

  /**
   * Training-mode forward with PyTorch's analytic gradient (as one custom-gradient op: tfjs's
   * own `moments` has no usable gradient, and composing the gradient from the forward's ops
   * would cost several more passes over the activation). The running statistics are updated
   * inside the forward computation, where no gradient is recorded. On a backend with the fused
   * kernels (`batchNormTrainKernel` and its gradient of `@cnnkit/contracts`, which
   * `@cnnkit/wasm-kernels` registers for 'wasm') the forward and the gradient are one kernel
   * call each — two passes over x for the statistics and one for x̂ and y, one for the
   * gradient's sums and one for dx — where the ops take a dozen.
   */
  private normaliseWithBatchStatistics(
    input: tf.Tensor4D,
    scaleInput: tf.Tensor1D,
    offsetInput: tf.Tensor1D,
    count: number,
  ): tf.Tensor4D {
    const fused = hasFusedKernel(batchNormTrainKernel) && hasFusedKernel(batchNormTrainGradKernel);
    const forward = tf.customGrad((...args) => {
      const [x, scale, offset, save] = args as [
        tf.Tensor4D,
        tf.Tensor1D,
        tf.Tensor1D,
        tf.GradSaveFunc,
      ];
      const [y, normalised, mean, variance, invStd] = fused
        ? runFusedKernel(batchNormTrainKernel, { x, scale, offset }, { eps: this.eps })
        : this.normaliseWithOps(x, scale, offset);
      save([normalised, invStd, scale]);
      this.updateRunningStatistics(mean, variance, count);
      return {
        value: y as tf.Tensor4D,
        gradFunc: (dy, saved) => {
          const [xHat, inverse, gamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          return fused
            ? runFusedKernel(batchNormTrainGradKernel, {
                dy: dy as tf.Tensor4D,
                normalised: xHat,
                scale: gamma,
                invStd: inverse,
              })
            : gradientWithOps(dy as tf.Tensor4D, xHat, inverse, gamma, count);
        },
      };
    });
    return forward(input, scaleInput, offsetInput) as tf.Tensor4D;
  }

  /** y, x̂, the batch mean, the biased variance and 1/√(variance + eps), from tfjs ops. */
  private normaliseWithOps(
    x: tf.Tensor4D,
    scale: tf.Tensor1D,
    offset: tf.Tensor1D,
  ): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] {
    const mean = tf.mean(x, batchAxes);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), batchAxes);
    const invStd = tf.rsqrt(tf.add(variance, this.eps));
    const normalised = tf.mul(centered, invStd);
    return [tf.add(tf.mul(normalised, scale), offset), normalised, mean, variance, invStd];
  }

  /** PyTorch's update: biased variance normalises, the unbiased one (× m/(m − 1)) is stored. */
  private updateRunningStatistics(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const runningMean = this.runningMean.variable;
    const runningVar = this.runningVar.variable;
    const batches = this.numBatchesTracked.variable;
    tf.tidy(() => {
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - m), tf.mul(mean, m)));
      runningVar.assign(
        tf.add(tf.mul(runningVar, 1 - m), tf.mul(variance, (m * count) / (count - 1))),
      );
      batches.assign(tf.add(batches, tf.scalar(1, 'int32')));
    });
  }

  dispose(): void {
    for (const e of this.state) e.variable.dispose();
  }
}

/**
 * dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)) (PyTorch's batch_norm_backward), dScale and
 * dOffset, from tfjs ops.
 */
function gradientWithOps(
  dy: tf.Tensor4D,
  xHat: tf.Tensor4D,
  inverse: tf.Tensor1D,
  gamma: tf.Tensor1D,
  count: number,
): tf.Tensor[] {
  const dOffset = tf.sum(dy, batchAxes);
  const dScale = tf.sum(tf.mul(dy, xHat), batchAxes);
  const dx = tf.mul(
    tf.mul(gamma, inverse),
    tf.sub(tf.sub(dy, tf.div(dOffset, count)), tf.mul(xHat, tf.div(dScale, count))),
  );
  return [dx, dScale, dOffset];
}
