import type { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm-2d.js';
import { Conv2d } from './conv2d.js';
import type { StateEntry } from './state-dict.js';

/**
 * David Page's `conv_bn`: conv 3×3 (padding 1, no bias) → BatchNorm → ReLU, with entries
 * `{prefix}.conv.weight` and `{prefix}.bn.*`.
 */
export class ConvBnRelu {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly state: readonly StateEntry[];

  constructor(
    prefix: string,
    channels: { in: number; out: number },
    batchNorm: Omit<BatchNorm2dOptions, 'numFeatures'>,
    rng: Rng,
  ) {
    this.conv = new Conv2d(
      `${prefix}.conv`,
      {
        inChannels: channels.in,
        outChannels: channels.out,
        kernelSize: 3,
        padding: 'same',
        bias: false,
      },
      rng,
    );
    this.bn = new BatchNorm2d(`${prefix}.bn`, { ...batchNorm, numFeatures: channels.out });
    this.state = [...this.conv.state, ...this.bn.state];
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => tf.relu(this.bn.apply(this.conv.apply(x), training)));
  }
}
