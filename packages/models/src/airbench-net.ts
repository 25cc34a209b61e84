import '@cnnkit/tfjs-gradients';
import type { LogitsOptions } from '@cnnkit/contracts';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { AirbenchConvGroup } from './airbench-conv-group.js';
import { Conv2d } from './conv2d.js';
import { gelu } from './gelu.js';
import { globalMaxPool2d } from './global-max-pool-2d.js';
import { Linear } from './linear.js';
import { patchCovariance } from './patch-covariance.js';
import { StateDictModel } from './state-dict-model.js';
import { whiteningWeights } from './whitening-weights.js';

/** How an {@link AirbenchNet} is built; every field but `seed` has airbench93's default. */
export interface AirbenchNetOptions {
  /** Seeds the initial weights; the same seed always gives the same model. */
  readonly seed: number;
  /** Output classes; default 10. */
  readonly numClasses?: number;
  /** Image channels; default 3. */
  readonly inputChannels?: number;
  /** Output channels of each conv group; default [64, 128, 128] (airbench94: [64, 256, 256]). */
  readonly widths?: readonly number[];
  /** Side of the whitening layer's patches; default 2 (2·3·2² = 24 filters for RGB). */
  readonly whiteningKernelSize?: number;
  /** Multiplies the logits; default 1/9. */
  readonly outputScale?: number;
  /** BatchNorm momentum in PyTorch's convention; default 0.4 (airbench's "0.6"). */
  readonly batchNormMomentum?: number;
  /** BatchNorm epsilon; default 1e-12. */
  readonly batchNormEps?: number;
  /** Train the BatchNorm scales; default false (frozen at 1, as in airbench). */
  readonly batchNormWeightTrainable?: boolean;
}

/** {@link AirbenchNetOptions} with every default filled in. */
export type ResolvedAirbenchNetOptions = Required<AirbenchNetOptions>;
type ResolvedOptions = ResolvedAirbenchNetOptions;

function resolve(options: AirbenchNetOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    seed: options.seed,
    numClasses: options.numClasses ?? 10,
    inputChannels: options.inputChannels ?? 3,
    widths: [...(options.widths ?? [64, 128, 128])],
    whiteningKernelSize: options.whiteningKernelSize ?? 2,
    outputScale: options.outputScale ?? 1 / 9,
    batchNormMomentum: options.batchNormMomentum ?? 0.4,
    batchNormEps: options.batchNormEps ?? 1e-12,
    batchNormWeightTrainable: options.batchNormWeightTrainable ?? false,
  };
  const counts = {
    numClasses: resolved.numClasses,
    inputChannels: resolved.inputChannels,
    whiteningKernelSize: resolved.whiteningKernelSize,
  };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`AirbenchNet option ${name} must be a positive integer, got ${value}.`);
    }
  }
  if (resolved.widths.length < 1 || !resolved.widths.every((w) => Number.isInteger(w) && w > 0)) {
    throw new Error(
      `AirbenchNet option widths must list at least one positive integer, got [${resolved.widths.join(', ')}].`,
    );
  }
  return resolved;
}

/** Size counts of an AirbenchNet, computed without building it. */
export interface ModelSize {
  /** Float scalars of every parameter, trained or frozen (PyTorch's `parameters()`). */
  readonly parameters: number;
  /** Of those, the trainable ones. */
  readonly trainableParameters: number;
  /** Multiply-adds of convolutions and linear layers for one image (BatchNorm, GELU, pooling excluded). */
  readonly forwardMacs: number;
}

/** The smallest input side that leaves a map of at least 1×1 after the last group. */
function minimumSide(o: ResolvedOptions): number {
  return 2 ** o.widths.length + o.whiteningKernelSize - 1;
}

/**
 * Parameters and multiply-adds of an AirbenchNet with `options` at `height` × `width` input,
 * by arithmetic (no tensors): the registry lists models with it.
 *
 * @example
 * ```ts
 * const size = airbenchNetSize({ seed: 0 });
 * size.forwardMacs; // 54223904
 * ```
 */
export function airbenchNetSize(options: AirbenchNetOptions, height = 32, width = 32): ModelSize {
  const o = resolve(options);
  const k = o.whiteningKernelSize;
  const d = o.inputChannels * k * k;
  let parameters = 2 * d * d + 2 * d;
  let trainable = 2 * d;
  let h = height - k + 1;
  let w = width - k + 1;
  let macs = h * w * 2 * d * d;
  let channels = 2 * d;
  for (const width of o.widths) {
    const conv1 = channels * width * 9;
    const conv2 = width * width * 9;
    macs += h * w * conv1;
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
    macs += h * w * conv2;
    parameters += conv1 + conv2 + 4 * width;
    trainable += conv1 + conv2 + (o.batchNormWeightTrainable ? 4 : 2) * width;
    channels = width;
  }
  const head = channels * o.numClasses;
  return {
    parameters: parameters + head,
    trainableParameters: trainable + head,
    forwardMacs: macs + head,
  };
}

/**
 * The airbench-style network (Keller Jordan's cifar10-airbench, "airbench93"), on tfjs-core
 * ops, with PyTorch names and semantics:
 *
 * whitening conv 2×2 (3 → 24, no padding, bias; weight frozen, set from data with
 * {@link AirbenchNet.initWhitening}) → GELU → three groups of [conv 3×3 → max-pool 2 →
 * BatchNorm → GELU → conv 3×3 → BatchNorm → GELU] (widths 64/128/128) → global max-pool
 * (airbench's MaxPool2d(3) at 32×32) → linear 128 → 10 without bias → × 1/9. BatchNorm: eps
 * 1e-12, momentum 0.4 (PyTorch convention), scale frozen at 1. Convolutions start with
 * identity kernels in their first `in_channels` filters.
 *
 * Defaults: 569,656 parameters (568,728 trainable: the whitening weight and BatchNorm
 * scales are frozen), 54.2 M multiply-adds per 32×32 image. Any input of at least 9×9
 * works (the last pool is global). With airbench93's recipe (11 epochs, batch 1024, label
 * smoothing 0.2, Nesterov SGD, lookahead, flip + translate TTA) it reaches 93.0 % on
 * CIFAR-10 (published mean over many GPU runs; not yet measured with cnnkit).
 *
 * state_dict: `whiten.weight`, `whiten.bias`, then per group i `layers.i.conv1.weight`,
 * `layers.i.norm1.{weight,bias,running_mean,running_var,num_batches_tracked}`,
 * `layers.i.conv2.weight`, `layers.i.norm2.{…}`, and `head.weight` — the module
 * `AirbenchNet` in `scripts/pytorch/airbench_net.py`.
 *
 * @example
 * ```ts
 * const net = AirbenchNet.create({ seed: 0 });
 * net.parameterCount; // 568728
 * const images = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
 * net.initWhitening(images); // airbench uses the first 5,000 training images
 * const train = net.logits(images, { training: true }); // batch statistics; running ones updated
 * const scores = net.logits(images); // evaluation: running statistics
 * tf.dispose([images, train, scores]);
 * net.dispose();
 * ```
 */
export class AirbenchNet extends StateDictModel {
  readonly numClasses: number;
  /** The options with every default filled in. */
  readonly options: Readonly<ResolvedAirbenchNetOptions>;
  readonly whiten: Conv2d;
  /** @internal The conv groups; their parameters are reachable through `parameters()`. */
  readonly layers: readonly AirbenchConvGroup[];
  readonly head: Linear;

  private constructor(
    options: ResolvedOptions,
    whiten: Conv2d,
    layers: readonly AirbenchConvGroup[],
    head: Linear,
  ) {
    super('AirbenchNet', [...whiten.state, ...layers.flatMap((g) => g.state), ...head.state]);
    this.options = options;
    this.numClasses = options.numClasses;
    this.whiten = whiten;
    this.layers = layers;
    this.head = head;
  }

  /**
   * A freshly initialised network: PyTorch's default init drawn from `seed` (in state_dict
   * order), identity kernels in the convolutions' first filters, zero biases, BatchNorm at
   * PyTorch's initial state. The whitening weight starts as that of any such conv; set it from
   * data with {@link AirbenchNet.initWhitening} before training.
   *
   * @example
   * ```ts
   * const wide = AirbenchNet.create({ seed: 1, widths: [64, 256, 256] }); // airbench94's widths
   * wide.parameterCount; // 1971352
   * wide.dispose();
   * ```
   */
  static create(options: AirbenchNetOptions): AirbenchNet {
    const o = resolve(options);
    const rng = new Rng(o.seed);
    const k = o.whiteningKernelSize;
    const whitenWidth = 2 * o.inputChannels * k * k;
    const whiten = new Conv2d(
      'whiten',
      {
        inChannels: o.inputChannels,
        outChannels: whitenWidth,
        kernelSize: k,
        padding: 'valid',
        bias: true,
        identityInit: true,
        // Frozen: set from data by initWhitening, never by gradients.
        weightTrainable: false,
      },
      rng,
    );
    const batchNorm = {
      eps: o.batchNormEps,
      momentum: o.batchNormMomentum,
      weightTrainable: o.batchNormWeightTrainable,
    };
    let channels = whitenWidth;
    const layers = o.widths.map((width, i) => {
      const group = new AirbenchConvGroup(
        `layers.${i}`,
        { in: channels, out: width },
        batchNorm,
        rng,
      );
      channels = width;
      return group;
    });
    const head = new Linear(
      'head',
      { inFeatures: channels, outFeatures: o.numClasses, bias: false },
      rng,
    );
    return new AirbenchNet(o, whiten, layers, head);
  }

  /**
   * Class scores (before softmax) for NHWC float32 images of any size from 9×9 (with the
   * default three groups). `{ training: true }` is PyTorch's `model.train()`: BatchNorm uses
   * the batch's statistics and updates its running statistics once per call.
   *
   * @example
   * ```ts
   * const net = AirbenchNet.create({ seed: 0, numClasses: 5 });
   * const scores = net.logits(tf.zeros([2, 48, 40, 3])); // shape [2, 5]
   * scores.dispose();
   * net.dispose();
   * ```
   */
  logits(images: tf.Tensor4D, options: LogitsOptions = {}): tf.Tensor2D {
    const [, height, width, channels] = images.shape;
    const minimum = minimumSide(this.options);
    if (channels !== this.options.inputChannels || height < minimum || width < minimum) {
      throw new Error(
        `AirbenchNet.logits expects NHWC images of shape [batch, ≥${minimum}, ≥${minimum}, ${this.options.inputChannels}], got [${images.shape.join(', ')}].`,
      );
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      let x = gelu(this.whiten.apply(images));
      for (const group of this.layers) x = group.apply(x, training);
      return tf.mul(this.head.apply(globalMaxPool2d(x)), this.options.outputScale) as tf.Tensor2D;
    });
  }

  /**
   * Multiply-adds of convolutions and the linear layer for one image of `height` × `width`.
   *
   * @example
   * ```ts
   * const net = AirbenchNet.create({ seed: 0 });
   * net.forwardMacs(); // 54223904
   * net.dispose();
   * ```
   */
  forwardMacs(height = 32, width = 32): number {
    return airbenchNetSize(this.options, height, width).forwardMacs;
  }

  /**
   * Replaces the whitening filters, given in PyTorch's layout `[2·d, channels, k, k]`
   * (d = channels·k²), e.g. from `whiteningWeights`.
   *
   * @example
   * ```ts
   * const net = AirbenchNet.create({ seed: 0 });
   * net.setWhiteningWeights(new Float32Array(24 * 3 * 2 * 2));
   * net.dispose();
   * ```
   */
  setWhiteningWeights(torchValues: Float32Array): void {
    const { layout, variable } = this.whiten.weight;
    if (torchValues.length !== variable.size) {
      throw new Error(
        `AirbenchNet.setWhiteningWeights needs ${variable.size} values (shape [${layout.torchShape.join(', ')}]), got ${torchValues.length}.`,
      );
    }
    tf.tidy(() => {
      variable.assign(tf.tensor(layout.fromTorch(torchValues), variable.shape, 'float32'));
    });
  }

  /**
   * Sets the whitening filters from normalised NHWC training `images`, as airbench does with
   * its first 5,000: the covariance of every 2×2 patch, its eigenvectors scaled by
   * 1/√(eigenvalue + eps), and their negatives (see `patchCovariance`, `whiteningWeights`).
   *
   * @example
   * ```ts
   * const net = AirbenchNet.create({ seed: 0 });
   * const images = tf.randomNormal([16, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
   * net.initWhitening(images, { eps: 5e-4 });
   * images.dispose();
   * net.dispose();
   * ```
   */
  initWhitening(images: tf.Tensor4D, { eps = 5e-4 }: { eps?: number } = {}): void {
    const { inputChannels, whiteningKernelSize } = this.options;
    if (images.shape[3] !== inputChannels) {
      throw new Error(
        `AirbenchNet.initWhitening expects NHWC images with ${inputChannels} channels, got shape [${images.shape.join(', ')}].`,
      );
    }
    const covariance = patchCovariance(images, whiteningKernelSize);
    this.setWhiteningWeights(
      whiteningWeights(covariance, {
        inChannels: inputChannels,
        kernelSize: whiteningKernelSize,
        eps,
      }),
    );
  }
}
