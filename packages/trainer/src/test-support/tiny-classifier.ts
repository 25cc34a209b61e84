import type { LogitsOptions, NamedParameter, TrainableClassifier } from '@cnnkit/contracts';
import { Rng } from '@cnnkit/random';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';

/** Shape of the images the tiny classifier takes. */
export const TINY_IMAGE = { height: 4, width: 4, channels: 2 } as const;
const FILTERS = 3;

function seededValues(rng: Rng, count: number, scale: number): Float32Array {
  return Float32Array.from({ length: count }, () => rng.uniform(-scale, scale));
}

/**
 * Test-only model: 3×3 conv (same padding) → relu → flatten → linear. Small enough for
 * exact cpu runs in milliseconds, but it exercises conv, relu and matmul gradients like
 * SimpleCNN does. Weights are stored in tfjs layouts under PyTorch-like names.
 */
export class TinyClassifier implements TrainableClassifier {
  readonly numClasses: number;
  readonly parameters: readonly NamedParameter[];

  private readonly withConv: boolean;

  /** `withConv: false` leaves only the linear layer (for backends without conv gradients). */
  constructor(seed: number, numClasses = 3, { withConv = true } = {}) {
    this.numClasses = numClasses;
    this.withConv = withConv;
    const rng = new Rng(seed);
    const { height, width, channels } = TINY_IMAGE;
    const features = height * width * (withConv ? FILTERS : channels);
    const make = (name: string, shape: number[], scale: number): NamedParameter => ({
      name,
      variable: tf.tidy(() =>
        tf.variable(
          tf.tensor(
            seededValues(
              rng,
              shape.reduce((a, b) => a * b, 1),
              scale,
            ),
            shape,
          ),
        ),
      ),
    });
    this.parameters = [
      ...(withConv
        ? [make('conv.weight', [3, 3, channels, FILTERS], 0.4), make('conv.bias', [FILTERS], 0.1)]
        : []),
      make('fc.weight', [features, numClasses], 0.3),
      make('fc.bias', [numClasses], 0.1),
    ];
  }

  private get(name: string): tf.Variable {
    return (this.parameters.find((p) => p.name === name) as NamedParameter).variable;
  }

  // No BatchNorm: training and evaluation mode give the same logits.
  logits(images: tf.Tensor4D, _options?: LogitsOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const features = this.withConv
        ? tf.relu(
            tf.add(
              tf.conv2d(images, this.get('conv.weight') as tf.Tensor4D, 1, 'same'),
              this.get('conv.bias'),
            ),
          )
        : images;
      const flat = tf.reshape(features, [images.shape[0], -1]) as tf.Tensor2D;
      return tf.add(tf.matMul(flat, this.get('fc.weight') as tf.Tensor2D), this.get('fc.bias'));
    });
  }

  saveWeights(): Uint8Array {
    const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    for (const { name, variable } of this.parameters) {
      tensors[name] = {
        dtype: 'F32',
        shape: [...variable.shape],
        data: variable.dataSync() as Float32Array,
      };
    }
    return encodeSafetensors(tensors);
  }

  loadWeights(bytes: Uint8Array): void {
    const { tensors } = decodeSafetensors(bytes);
    for (const { name, variable } of this.parameters) {
      const stored = tensors.get(name);
      if (!stored) throw new Error(`weights have no tensor "${name}"`);
      const values = tensorToFloat32(stored);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
    }
  }

  /** All weights as one flat array, for bit-exact comparisons. */
  weightValues(): number[] {
    return this.parameters.flatMap((p) => Array.from(p.variable.dataSync()));
  }

  dispose(): void {
    for (const { variable } of this.parameters) variable.dispose();
  }
}
