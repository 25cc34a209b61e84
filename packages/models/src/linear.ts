import type { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { biasLayout, linearWeightLayout } from './parameter-layouts.js';
import { drawPytorchDefault } from './pytorch-default-init.js';
import { createStateEntry, type StateEntry } from './state-dict.js';

/** How a {@link Linear} layer is shaped. */
export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Add a learned bias (PyTorch's default); default true. */
  readonly bias?: boolean;
  /**
   * The NHWC map this layer reads flattened, if any: tfjs flattens in (H, W, C) order and
   * PyTorch in (C, H, W) order, so the weight's input features are permuted in files.
   */
  readonly inputFeatureMap?: { height: number; width: number; channels: number };
}

/**
 * `torch.nn.Linear` with its parameters and names, `{prefix}.weight` (`[out, in]` in files,
 * `[in, out]` here) and, with a bias, `{prefix}.bias`; PyTorch's default init from `rng`.
 *
 * @example
 * ```ts
 * const head = new Linear('head', { inFeatures: 128, outFeatures: 10, bias: false }, new Rng(0));
 * const scores = head.apply(tf.ones([2, 128])); // shape [2, 10]
 * head.weight.layout.torchShape; // [10, 128]
 * scores.dispose();
 * head.dispose();
 * ```
 */
export class Linear {
  readonly options: LinearOptions;
  readonly weight: StateEntry;
  readonly bias: StateEntry | undefined;
  /** The layer's state_dict entries, in PyTorch's order. */
  readonly state: readonly StateEntry[];

  constructor(prefix: string, options: LinearOptions, rng: Rng) {
    const { inFeatures, outFeatures, inputFeatureMap } = options;
    this.options = options;
    const weightLayout = linearWeightLayout(`${prefix}.weight`, {
      inFeatures,
      outFeatures,
      ...(inputFeatureMap ? { inputFeatureMap } : {}),
    });
    this.weight = createStateEntry(
      weightLayout,
      'weight',
      drawPytorchDefault(weightLayout, rng),
      true,
    );
    if (options.bias ?? true) {
      const layout = biasLayout(`${prefix}.bias`, { size: outFeatures, fanIn: inFeatures });
      this.bias = createStateEntry(layout, 'bias', drawPytorchDefault(layout, rng), true);
      this.state = [this.weight, this.bias];
    } else {
      this.bias = undefined;
      this.state = [this.weight];
    }
  }

  /** `[n, inFeatures]` → `[n, outFeatures]`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const y = tf.matMul(x, this.weight.variable as tf.Tensor2D) as tf.Tensor2D;
      return this.bias ? tf.add(y, this.bias.variable) : y;
    });
  }

  /** Multiply-adds per example. */
  macs(): number {
    return this.options.inFeatures * this.options.outFeatures;
  }

  dispose(): void {
    for (const e of this.state) e.variable.dispose();
  }
}
