import type { ResizePolicy } from '@cnnkit/contracts';

/** Per-channel normalisation of pixels scaled to [0, 1]: `(pixel / 255 − mean) / std`. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** What {@link exportOnnx} and {@link exportTfjs} write besides the weights. */
export interface ExportOptions {
  /**
   * End the graph with a softmax over the classes: the output is `probabilities` instead of
   * `logits`. Default false.
   */
  readonly softmax?: boolean;
  /** One name per class, in output order, written into the file's metadata. Default: none. */
  readonly classNames?: readonly string[];
  /**
   * How the model's input was made from RGB pixels, written into the metadata (the graph
   * itself takes normalised images, like a PyTorch export). Default: the PyTorch tutorial's
   * `Normalize(0.5, 0.5)` that cnnkit's trainer uses, i.e. `pixel / 127.5 − 1`.
   */
  readonly normalization?: Normalization;
  /**
   * Input height and width; default 32 × 32 (CIFAR-10). SimpleCNN takes only 32 × 32;
   * AirbenchNet and ResNet9 any size from their minimum.
   */
  readonly inputSize?: { readonly height: number; readonly width: number };
  /**
   * How images of another size are brought to the input size (the weights file's
   * `cnnkit.resize`), written into the metadata as `cnnkit.resize`. Default: not written.
   */
  readonly resize?: ResizePolicy;
  /** The cnnkit version that writes the file, written as `cnnkit.version`. Default: not written. */
  readonly cnnkitVersion?: string;
}

/** The tutorial's `transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))`. */
export const TUTORIAL_NORMALIZATION: Normalization = {
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};
