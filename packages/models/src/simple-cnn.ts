import '@cnnkit/tfjs-gradients';
import type { NamedParameter, TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { biasRelu } from './bias-relu.js';
import { biasLayout, conv2dWeightLayout, linearWeightLayout } from './parameter-layouts.js';
import { pytorchDefaultInit } from './pytorch-default-init.js';
import { decodeTorchWeights, encodeTorchWeights } from './torch-weights.js';
import type { ParameterLayout } from './types.js';

const DEFAULT_IMAGE_SIZE = 32;
const IMAGE_CHANNELS = 3;
const DEFAULT_NUM_CLASSES = 10;
/** conv 5×5 → pool 2 → conv 5×5 → pool 2 must leave at least a 1×1 map: 16 → 12 → 6 → 2 → 1. */
const MIN_IMAGE_SIZE = 16;

/** One variable per entry of SIMPLE_CNN_LAYOUTS, for destructuring in the forward pass. */
type ParameterTuple = [
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
  tf.Variable,
];

/** Options of {@link SimpleCNN.create}. */
export interface SimpleCnnOptions {
  /** Seeds PyTorch's default init; the same seed always gives the same weights. */
  readonly seed: number;
  /** Outputs of fc3; default 10 (CIFAR-10). */
  readonly numClasses?: number;
  /** Height and width of the square input images, at least 16; default 32 (CIFAR-10). */
  readonly imageSize?: number;
}

/** The side of conv2's pooled feature map: PyTorch's floor in each max-pool (32 → 5, 64 → 13). */
function featureMapSize(imageSize: number): number {
  return Math.floor((Math.floor((imageSize - 4) / 2) - 4) / 2);
}

function checkOptions(numClasses: number, imageSize: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`SimpleCNN: numClasses must be a positive integer, got ${numClasses}.`);
  }
  if (!Number.isInteger(imageSize) || imageSize < MIN_IMAGE_SIZE) {
    throw new RangeError(
      `SimpleCNN: imageSize must be an integer of at least ${MIN_IMAGE_SIZE} (two 5×5 convolutions and two 2×2 pools), got ${imageSize}.`,
    );
  }
}

/**
 * The tutorial net's parameters in PyTorch state_dict order, for `numClasses` outputs and
 * square `imageSize` inputs: only fc1's inputs (the flattened feature map) and fc3's outputs
 * change.
 *
 * @example
 * ```ts
 * simpleCnnLayouts({ numClasses: 5, imageSize: 64 }).map((l) => l.name).at(-2); // 'fc3.weight'
 * simpleCnnLayouts({ numClasses: 5, imageSize: 64 })[4]?.torchShape; // [120, 2704]
 * ```
 */
export function simpleCnnLayouts({
  numClasses = DEFAULT_NUM_CLASSES,
  imageSize = DEFAULT_IMAGE_SIZE,
}: {
  readonly numClasses?: number;
  readonly imageSize?: number;
} = {}): readonly ParameterLayout[] {
  checkOptions(numClasses, imageSize);
  const map = featureMapSize(imageSize);
  const features = 16 * map * map;
  return [
    conv2dWeightLayout('conv1.weight', { inChannels: 3, outChannels: 6, kernelSize: 5 }),
    biasLayout('conv1.bias', { size: 6, fanIn: 3 * 5 * 5 }),
    conv2dWeightLayout('conv2.weight', { inChannels: 6, outChannels: 16, kernelSize: 5 }),
    biasLayout('conv2.bias', { size: 16, fanIn: 6 * 5 * 5 }),
    // conv2 leaves a 16-channel map (32 → 28 → 14 → 10 → 5 for CIFAR's 32×32).
    linearWeightLayout('fc1.weight', {
      inFeatures: features,
      outFeatures: 120,
      inputFeatureMap: { height: map, width: map, channels: 16 },
    }),
    biasLayout('fc1.bias', { size: 120, fanIn: features }),
    linearWeightLayout('fc2.weight', { inFeatures: 120, outFeatures: 84 }),
    biasLayout('fc2.bias', { size: 84, fanIn: 120 }),
    linearWeightLayout('fc3.weight', { inFeatures: 84, outFeatures: numClasses }),
    biasLayout('fc3.bias', { size: numClasses, fanIn: 84 }),
  ];
}

/** The tutorial net's parameters (10 classes, 32×32 inputs) in PyTorch state_dict order. */
const SIMPLE_CNN_LAYOUTS: readonly ParameterLayout[] = simpleCnnLayouts();

/** Metadata written into saved weights so a file says what it holds. */
const WEIGHTS_METADATA = { format: 'pt', 'cnnkit.model': 'SimpleCNN' } as const;

/**
 * The CNN of PyTorch's "Training a Classifier" CIFAR-10 tutorial, on tfjs-core ops:
 * conv 3→6 5×5, ReLU, max-pool 2, conv 6→16 5×5, ReLU, max-pool 2, then fully connected
 * 400→120→84→10 with ReLUs between. 62,006 parameters, named and saved exactly like the
 * tutorial's `Net` state_dict so weights move freely between cnnkit and PyTorch. Other class
 * counts and input sizes change fc3's outputs and fc1's inputs (`numClasses`, `imageSize`).
 *
 * @example
 * ```ts
 * const model = SimpleCNN.create({ seed: 0 });
 * const logits = model.logits(tf.zeros([2, 32, 32, 3])); // shape [2, 10]
 * const bytes = model.saveWeights(); // a PyTorch state_dict as .safetensors
 * model.loadWeights(bytes);
 * logits.dispose();
 * model.dispose();
 * ```
 */
export class SimpleCNN implements TrainableClassifier {
  /** Outputs of fc3: 10 (CIFAR-10) unless created with another `numClasses`. */
  readonly numClasses: number;
  /** Height and width of the input images: 32 unless created with another `imageSize`. */
  readonly imageSize: number;
  /** Trainable variables with PyTorch state_dict keys, in state_dict order. */
  readonly parameters: readonly NamedParameter[];
  /** Number of trainable scalars: 62,006 for 10 classes and 32×32 images. */
  readonly parameterCount: number;
  private readonly layouts: readonly ParameterLayout[];

  private constructor(
    layouts: readonly ParameterLayout[],
    values: readonly Float32Array[],
    numClasses: number,
    imageSize: number,
  ) {
    this.layouts = layouts;
    this.numClasses = numClasses;
    this.imageSize = imageSize;
    this.parameters = layouts.map((layout, i) => ({
      name: layout.name,
      kind: layout.name.endsWith('.bias') ? ('bias' as const) : ('weight' as const),
      variable: tf.tidy(() =>
        tf.variable(tf.tensor(values[i] as Float32Array, [...layout.tfjsShape], 'float32'), true),
      ),
    }));
    this.parameterCount = this.parameters.reduce((n, p) => n + p.variable.size, 0);
  }

  /**
   * A freshly initialised network, PyTorch's default init drawn from `seed`: the same seed
   * always gives the same weights. `numClasses` (default 10) and `imageSize` (default 32,
   * at least 16) shape fc3 and fc1.
   *
   * @example
   * ```ts
   * const model = SimpleCNN.create({ seed: 42 });
   * model.parameterCount; // 62006
   * model.dispose();
   * const pets = SimpleCNN.create({ seed: 42, numClasses: 3, imageSize: 64 });
   * pets.parameterCount; // 337891
   * pets.dispose();
   * ```
   */
  static create({
    seed,
    numClasses = DEFAULT_NUM_CLASSES,
    imageSize = DEFAULT_IMAGE_SIZE,
  }: SimpleCnnOptions): SimpleCNN {
    const layouts = simpleCnnLayouts({ numClasses, imageSize });
    return new SimpleCNN(layouts, pytorchDefaultInit(layouts, seed), numClasses, imageSize);
  }

  /**
   * Class scores (before softmax) for a batch of NHWC float32 images of 32×32×3 (or the
   * model's `imageSize`).
   *
   * @example
   * ```ts
   * const scores = model.logits(tf.zeros([4, 32, 32, 3])); // shape [4, 10]
   * scores.dispose();
   * ```
   */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    const [, height, width, channels] = images.shape;
    const size = this.imageSize;
    if (height !== size || width !== size || channels !== IMAGE_CHANNELS) {
      throw new Error(
        `SimpleCNN.logits expects NHWC images of shape [batch, ${size}, ${size}, 3], got [${images.shape.join(', ')}]. Resize or crop to ${size}×${size} RGB first.`,
      );
    }
    const features = (this.layouts[4] as ParameterLayout).torchShape[1] as number;
    const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = this.parameters.map(
      (p) => p.variable,
    ) as ParameterTuple;
    return tf.tidy(() => {
      const convBlock = (x: tf.Tensor4D, w: tf.Variable, b: tf.Variable): tf.Tensor4D =>
        tf.maxPool(biasRelu(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid'), b), 2, 2, 'valid');
      const map = convBlock(convBlock(images, c1w, c1b), c2w, c2b);
      // NHWC flatten: (H, W, C) order, which fc1's layout maps from PyTorch's (C, H, W).
      const flat = tf.reshape(map, [images.shape[0], features]) as tf.Tensor2D;
      const h1 = biasRelu(tf.matMul(flat, f1w as tf.Tensor2D), f1b);
      const h2 = biasRelu(tf.matMul(h1, f2w as tf.Tensor2D), f2b);
      return tf.add(tf.matMul(h2, f3w as tf.Tensor2D), f3b) as tf.Tensor2D;
    });
  }

  /**
   * The weights as `.safetensors` bytes in PyTorch's names, layouts (conv OIHW, linear
   * out×in) and dtype (F32): PyTorch loads it with
   * `net.load_state_dict(safetensors.torch.load_file(path))` (or scripts/pytorch/simple_cnn.py).
   *
   * @example
   * ```ts
   * writeFileSync('simple-cnn.safetensors', model.saveWeights());
   * ```
   */
  saveWeights(): Uint8Array {
    const values = this.parameters.map((p) => p.variable.dataSync() as Float32Array);
    return encodeTorchWeights(this.layouts, values, WEIGHTS_METADATA);
  }

  /**
   * Replaces the weights with those in a `.safetensors` file from {@link SimpleCNN.saveWeights}
   * or from PyTorch's tutorial `Net` (F32, F64, F16 or BF16). Nothing changes unless every tensor
   * fits; otherwise one error lists each missing, extra or mis-shaped tensor.
   *
   * @example
   * ```ts
   * model.loadWeights(readFileSync('simple-cnn.safetensors'));
   * ```
   */
  loadWeights(bytes: Uint8Array): void {
    const values = decodeTorchWeights(bytes, this.layouts, 'SimpleCNN');
    tf.tidy(() => {
      this.parameters.forEach((p, i) => {
        p.variable.assign(tf.tensor(values[i] as Float32Array, p.variable.shape, 'float32'));
      });
    });
  }

  /** Frees the weights; the model cannot be used afterwards. */
  dispose(): void {
    for (const p of this.parameters) p.variable.dispose();
  }
}

/** The SimpleCNN parameter layouts, for tools that convert its weights without a model. */
export { SIMPLE_CNN_LAYOUTS };
