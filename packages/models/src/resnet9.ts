import '@cnnkit/tfjs-gradients';
import type { LogitsOptions } from '@cnnkit/contracts';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSize } from './airbench-net.js';
import type { BatchNorm2dOptions } from './batch-norm-2d.js';
import { ConvBnRelu } from './conv-bn-relu.js';
import { globalMaxPool2d } from './global-max-pool-2d.js';
import { Linear } from './linear.js';
import { maxPool2d } from './max-pool-2d.js';
import type { StateEntry } from './state-dict.js';
import { StateDictModel } from './state-dict-model.js';

/** Output channels of ResNet-9's four stages. */
export interface ResNet9Widths {
  readonly prep: number;
  readonly layer1: number;
  readonly layer2: number;
  readonly layer3: number;
}

/** How a {@link ResNet9} is built; every field but `seed` has Page's default. */
export interface ResNet9Options {
  /** Seeds the initial weights; the same seed always gives the same model. */
  readonly seed: number;
  /** Output classes; default 10. */
  readonly numClasses?: number;
  /** Image channels; default 3. */
  readonly inputChannels?: number;
  /** Stage widths; default `{ prep: 64, layer1: 128, layer2: 256, layer3: 512 }`. */
  readonly widths?: Partial<ResNet9Widths>;
  /** Multiplies the logits; default 0.125. */
  readonly outputScale?: number;
  /** BatchNorm momentum in PyTorch's convention; default 0.1 (PyTorch's). */
  readonly batchNormMomentum?: number;
  /** BatchNorm epsilon; default 1e-5 (PyTorch's). */
  readonly batchNormEps?: number;
  /** Train the BatchNorm scales; default true. */
  readonly batchNormWeightTrainable?: boolean;
}

/** {@link ResNet9Options} with every default filled in. */
export type ResolvedResNet9Options = Required<Omit<ResNet9Options, 'widths'>> & {
  widths: ResNet9Widths;
};
type ResolvedOptions = ResolvedResNet9Options;

const DEFAULT_WIDTHS: ResNet9Widths = { prep: 64, layer1: 128, layer2: 256, layer3: 512 };
/** Three max-pools of 2 must leave at least 1×1. */
const MINIMUM_SIDE = 8;

function resolve(options: ResNet9Options): ResolvedOptions {
  const resolved: ResolvedOptions = {
    seed: options.seed,
    numClasses: options.numClasses ?? 10,
    inputChannels: options.inputChannels ?? 3,
    widths: { ...DEFAULT_WIDTHS, ...options.widths },
    outputScale: options.outputScale ?? 0.125,
    batchNormMomentum: options.batchNormMomentum ?? 0.1,
    batchNormEps: options.batchNormEps ?? 1e-5,
    batchNormWeightTrainable: options.batchNormWeightTrainable ?? true,
  };
  const counts = {
    numClasses: resolved.numClasses,
    inputChannels: resolved.inputChannels,
    ...Object.fromEntries(Object.entries(resolved.widths).map(([k, v]) => [`widths.${k}`, v])),
  };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`ResNet9 option ${name} must be a positive integer, got ${value}.`);
    }
  }
  return resolved;
}

/**
 * Parameters and multiply-adds of a ResNet9 with `options` at `height` × `width` input, by
 * arithmetic (no tensors).
 *
 * @example
 * ```ts
 * resNet9Size({ seed: 0 }).forwardMacs; // 379261952
 * ```
 */
export function resNet9Size(options: ResNet9Options, height = 32, width = 32): ModelSize {
  const o = resolve(options);
  const { prep, layer1, layer2, layer3 } = o.widths;
  const conv = (cin: number, cout: number) => cin * cout * 9;
  const pooled = (times: number) =>
    Math.floor(height / 2 ** times) * Math.floor(width / 2 ** times);
  const macs =
    height * width * (conv(o.inputChannels, prep) + conv(prep, layer1)) +
    pooled(1) * (2 * conv(layer1, layer1) + conv(layer1, layer2)) +
    pooled(2) * conv(layer2, layer3) +
    pooled(3) * 2 * conv(layer3, layer3) +
    layer3 * o.numClasses;
  const weights =
    conv(o.inputChannels, prep) +
    conv(prep, layer1) +
    2 * conv(layer1, layer1) +
    conv(layer1, layer2) +
    conv(layer2, layer3) +
    2 * conv(layer3, layer3) +
    layer3 * o.numClasses;
  const normChannels = prep + 3 * layer1 + layer2 + 3 * layer3;
  return {
    parameters: weights + 2 * normChannels,
    trainableParameters: weights + (o.batchNormWeightTrainable ? 2 : 1) * normChannels,
    forwardMacs: macs,
  };
}

/** `x + res2(res1(x))`, Page's `residual`. */
class Residual {
  readonly res1: ConvBnRelu;
  readonly res2: ConvBnRelu;
  readonly state: readonly StateEntry[];

  constructor(
    prefix: string,
    channels: number,
    batchNorm: Omit<BatchNorm2dOptions, 'numFeatures'>,
    rng: Rng,
  ) {
    const same = { in: channels, out: channels };
    this.res1 = new ConvBnRelu(`${prefix}.res1`, same, batchNorm, rng);
    this.res2 = new ConvBnRelu(`${prefix}.res2`, same, batchNorm, rng);
    this.state = [...this.res1.state, ...this.res2.state];
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => tf.add(x, this.res2.apply(this.res1.apply(x, training), training)));
  }
}

/** conv_bn → max-pool 2 → optional residual: Page's `layer1`/`layer2`/`layer3`. */
class Stage {
  readonly convBn: ConvBnRelu;
  readonly residual: Residual | undefined;
  readonly state: readonly StateEntry[];

  constructor(
    prefix: string,
    channels: { in: number; out: number },
    residual: boolean,
    batchNorm: Omit<BatchNorm2dOptions, 'numFeatures'>,
    rng: Rng,
  ) {
    // conv and bn sit directly under the stage (layer1.conv.weight), as in Page's graph.
    this.convBn = new ConvBnRelu(prefix, channels, batchNorm, rng);
    this.residual = residual
      ? new Residual(`${prefix}.residual`, channels.out, batchNorm, rng)
      : undefined;
    this.state = [...this.convBn.state, ...(this.residual?.state ?? [])];
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const pooled = maxPool2d(this.convBn.apply(x, training), 2);
      return this.residual ? this.residual.apply(pooled, training) : pooled;
    });
  }
}

/**
 * The ResNet-9 of David Page's DAWNBench entry ("How to train your ResNet", Myrtle.ai 2018),
 * on tfjs-core ops with PyTorch names and semantics: prep conv_bn 64 → layer1 [conv_bn 128,
 * max-pool 2, residual(2 × conv_bn 128)] → layer2 [conv_bn 256, max-pool 2] → layer3
 * [conv_bn 512, max-pool 2, residual(2 × conv_bn 512)] → global max-pool (Page's MaxPool2d(4)
 * at 32×32) → linear 512 → 10 without bias → × 0.125. conv_bn is conv 3×3 (no bias) →
 * BatchNorm (PyTorch defaults: eps 1e-5, momentum 0.1) → ReLU.
 *
 * Defaults: 6,573,120 parameters, 379 M multiply-adds per 32×32 image (7× airbench's). Any
 * input of at least 8×8 works. With Page's recipe (24 epochs, batch 512, one-cycle SGD with
 * Nesterov momentum, flip + crop + cutout) it reaches 94 % on CIFAR-10 (published, DAWNBench
 * 2018; not yet measured with cnnkit).
 *
 * state_dict: `prep.conv.weight`, `prep.bn.{weight,bias,running_mean,running_var,num_batches_tracked}`,
 * `layer1.conv.weight`, `layer1.bn.*`, `layer1.residual.res1.conv.weight`,
 * `layer1.residual.res1.bn.*`, `layer1.residual.res2.*`, `layer2.conv.weight`, `layer2.bn.*`,
 * `layer3.…` (like layer1), `linear.weight` — the module `ResNet9` in
 * `scripts/pytorch/resnet9.py`.
 *
 * @example
 * ```ts
 * const net = ResNet9.create({ seed: 0, widths: { prep: 16, layer1: 32, layer2: 64, layer3: 128 } });
 * const images = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
 * const train = net.logits(images, { training: true }); // shape [2, 10]
 * tf.dispose([images, train]);
 * net.dispose();
 * ```
 */
export class ResNet9 extends StateDictModel {
  readonly numClasses: number;
  /** The options with every default filled in. */
  readonly options: Readonly<ResolvedResNet9Options>;
  /** @internal Layers; their parameters are reachable through `parameters()`. */
  readonly prep: ConvBnRelu;
  /** @internal */
  readonly layer1: Stage;
  /** @internal */
  readonly layer2: Stage;
  /** @internal */
  readonly layer3: Stage;
  readonly linear: Linear;

  private constructor(
    options: ResolvedOptions,
    stages: { prep: ConvBnRelu; layer1: Stage; layer2: Stage; layer3: Stage },
    linear: Linear,
  ) {
    super('ResNet9', [
      ...stages.prep.state,
      ...stages.layer1.state,
      ...stages.layer2.state,
      ...stages.layer3.state,
      ...linear.state,
    ]);
    this.options = options;
    this.numClasses = options.numClasses;
    this.prep = stages.prep;
    this.layer1 = stages.layer1;
    this.layer2 = stages.layer2;
    this.layer3 = stages.layer3;
    this.linear = linear;
  }

  /**
   * A freshly initialised network: PyTorch's default init drawn from `seed` in state_dict
   * order, BatchNorm at PyTorch's initial state.
   *
   * @example
   * ```ts
   * const net = ResNet9.create({ seed: 0 });
   * net.parameterCount; // 6573120
   * net.dispose();
   * ```
   */
  static create(options: ResNet9Options): ResNet9 {
    const o = resolve(options);
    const rng = new Rng(o.seed);
    const batchNorm = {
      eps: o.batchNormEps,
      momentum: o.batchNormMomentum,
      weightTrainable: o.batchNormWeightTrainable,
    };
    const { prep, layer1, layer2, layer3 } = o.widths;
    const stages = {
      prep: new ConvBnRelu('prep', { in: o.inputChannels, out: prep }, batchNorm, rng),
      layer1: new Stage('layer1', { in: prep, out: layer1 }, true, batchNorm, rng),
      layer2: new Stage('layer2', { in: layer1, out: layer2 }, false, batchNorm, rng),
      layer3: new Stage('layer3', { in: layer2, out: layer3 }, true, batchNorm, rng),
    };
    const linear = new Linear(
      'linear',
      { inFeatures: layer3, outFeatures: o.numClasses, bias: false },
      rng,
    );
    return new ResNet9(o, stages, linear);
  }

  /**
   * Class scores (before softmax) for NHWC float32 images of any size from 8×8.
   * `{ training: true }` is PyTorch's `model.train()`: batch statistics, running statistics
   * updated once per call.
   *
   * @example
   * ```ts
   * const net = ResNet9.create({ seed: 0, numClasses: 4, widths: { prep: 8, layer1: 8, layer2: 8, layer3: 8 } });
   * const scores = net.logits(tf.zeros([3, 64, 48, 3])); // shape [3, 4]
   * scores.dispose();
   * net.dispose();
   * ```
   */
  logits(images: tf.Tensor4D, options: LogitsOptions = {}): tf.Tensor2D {
    const [, height, width, channels] = images.shape;
    if (channels !== this.options.inputChannels || height < MINIMUM_SIDE || width < MINIMUM_SIDE) {
      throw new Error(
        `ResNet9.logits expects NHWC images of shape [batch, ≥${MINIMUM_SIDE}, ≥${MINIMUM_SIDE}, ${this.options.inputChannels}], got [${images.shape.join(', ')}].`,
      );
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      let x = this.prep.apply(images, training);
      x = this.layer3.apply(this.layer2.apply(this.layer1.apply(x, training), training), training);
      return tf.mul(this.linear.apply(globalMaxPool2d(x)), this.options.outputScale) as tf.Tensor2D;
    });
  }

  /**
   * Multiply-adds of convolutions and the linear layer for one image of `height` × `width`.
   *
   * @example
   * ```ts
   * const net = ResNet9.create({ seed: 0 });
   * net.forwardMacs(); // 379261952
   * net.dispose();
   * ```
   */
  forwardMacs(height = 32, width = 32): number {
    return resNet9Size(this.options, height, width).forwardMacs;
  }
}
