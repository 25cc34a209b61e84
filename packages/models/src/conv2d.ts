import type { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { biasLayout, conv2dWeightLayout } from './parameter-layouts.js';
import { drawPytorchDefault } from './pytorch-default-init.js';
import { createStateEntry, type StateEntry } from './state-dict.js';

/** How a {@link Conv2d} is shaped and initialised. */
export interface Conv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  /**
   * `'same'`: the output is as large as the input (PyTorch `padding='same'`; `padding=1` for
   * 3×3); `'valid'`: no padding (PyTorch `padding=0`). Stride is always 1.
   */
  readonly padding: 'same' | 'valid';
  /** Add a learned bias (PyTorch's default); default true. */
  readonly bias?: boolean;
  /**
   * airbench's init: PyTorch's default, then the first `inChannels` filters replaced by
   * identity (Dirac) kernels — 1 at the kernel's centre for their own channel, 0 elsewhere — and
   * the bias zeroed, so a new layer starts by passing its input through. Default false.
   */
  readonly identityInit?: boolean;
  /** Train the weight; default true. False freezes it (airbench's whitening layer). */
  readonly weightTrainable?: boolean;
}

/**
 * A 2-D convolution with PyTorch's semantics, parameters and names: `{prefix}.weight` (OIHW in
 * files, HWIO in tfjs) and, with a bias, `{prefix}.bias`.
 *
 * @example
 * ```ts
 * const conv = new Conv2d('conv1', { inChannels: 3, outChannels: 8, kernelSize: 3, padding: 'same', bias: false }, new Rng(0));
 * const y = conv.apply(tf.zeros([2, 32, 32, 3])); // shape [2, 32, 32, 8]
 * // Without a bias, its state_dict holds conv1.weight only.
 * conv.state.length; // 1
 * y.dispose();
 * conv.dispose();
 * ```
 */
export class Conv2d {
  readonly options: Conv2dOptions;
  readonly weight: StateEntry;
  readonly bias: StateEntry | undefined;
  /** The layer's state_dict entries, in PyTorch's order. */
  readonly state: readonly StateEntry[];

  /** Draws PyTorch's default init from `rng` (weight, then bias), adjusted by `identityInit`. */
  constructor(prefix: string, options: Conv2dOptions, rng: Rng) {
    const { inChannels, outChannels, kernelSize: k } = options;
    this.options = options;
    const weightLayout = conv2dWeightLayout(`${prefix}.weight`, {
      inChannels,
      outChannels,
      kernelSize: k,
    });
    const weight = drawPytorchDefault(weightLayout, rng);
    const hasBias = options.bias ?? true;
    const biasLayoutOf = biasLayout(`${prefix}.bias`, {
      size: outChannels,
      fanIn: inChannels * k * k,
    });
    const bias = hasBias ? drawPytorchDefault(biasLayoutOf, rng) : undefined;
    if (options.identityInit) {
      // OIHW: filter o, channel i, row y, column x at ((o·in + i)·k + y)·k + x.
      weight.fill(0, 0, Math.min(inChannels, outChannels) * inChannels * k * k);
      const centre = Math.floor(k / 2);
      for (let d = 0; d < Math.min(inChannels, outChannels); d++) {
        weight[((d * inChannels + d) * k + centre) * k + centre] = 1;
      }
      bias?.fill(0);
    }
    this.weight = createStateEntry(weightLayout, 'weight', weight, options.weightTrainable ?? true);
    this.bias = bias ? createStateEntry(biasLayoutOf, 'bias', bias, true) : undefined;
    this.state = this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** NHWC `[n, h, w, inChannels]` → `[n, h', w', outChannels]`. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy((): tf.Tensor4D => {
      const y = tf.conv2d(x, this.weight.variable as tf.Tensor4D, 1, this.options.padding);
      return this.bias ? tf.add(y, this.bias.variable) : y;
    });
  }

  /** Output height and width for an input of `height` × `width`. */
  outputSize(height: number, width: number): [number, number] {
    if (this.options.padding === 'same') return [height, width];
    const k = this.options.kernelSize;
    return [height - k + 1, width - k + 1];
  }

  /** Multiply-adds of one image's forward pass at `height` × `width` input. */
  macs(height: number, width: number): number {
    const [h, w] = this.outputSize(height, width);
    const { inChannels, outChannels, kernelSize: k } = this.options;
    return h * w * outChannels * inChannels * k * k;
  }

  dispose(): void {
    for (const e of this.state) e.variable.dispose();
  }
}
