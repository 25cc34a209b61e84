import type { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm-2d.js';
import { Conv2d } from './conv2d.js';
import { gelu } from './gelu.js';
import { maxPool2d } from './max-pool-2d.js';
import type { StateEntry } from './state-dict.js';

/**
 * One block of airbench's net: conv 3×3 "same" (no bias) → max-pool 2 → BatchNorm → GELU →
 * conv 3×3 "same" → BatchNorm → GELU, convolutions initialised with identity kernels. Its
 * entries are `{prefix}.conv1.weight`, `{prefix}.norm1.*`, `{prefix}.conv2.weight`,
 * `{prefix}.norm2.*`, the module names of airbench's `ConvGroup`.
 */
export class AirbenchConvGroup {
  readonly conv1: Conv2d;
  readonly norm1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly norm2: BatchNorm2d;
  readonly state: readonly StateEntry[];

  constructor(
    prefix: string,
    channels: { in: number; out: number },
    batchNorm: Omit<BatchNorm2dOptions, 'numFeatures'>,
    rng: Rng,
  ) {
    const conv = (name: string, inChannels: number) =>
      new Conv2d(
        `${prefix}.${name}`,
        {
          inChannels,
          outChannels: channels.out,
          kernelSize: 3,
          padding: 'same',
          bias: false,
          identityInit: true,
        },
        rng,
      );
    const norm = (name: string) =>
      new BatchNorm2d(`${prefix}.${name}`, { ...batchNorm, numFeatures: channels.out });
    this.conv1 = conv('conv1', channels.in);
    this.norm1 = norm('norm1');
    this.conv2 = conv('conv2', channels.out);
    this.norm2 = norm('norm2');
    this.state = [
      ...this.conv1.state,
      ...this.norm1.state,
      ...this.conv2.state,
      ...this.norm2.state,
    ];
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const h = gelu(this.norm1.apply(maxPool2d(this.conv1.apply(x), 2), training));
      return gelu(this.norm2.apply(this.conv2.apply(h), training));
    });
  }
}
