import type { LogitsOptions, TrainableClassifier } from '@cnnkit/contracts';
import type * as tf from '@tensorflow/tfjs-core';
import { loadStateDict, type StateEntry, saveStateDict } from './state-dict.js';

/**
 * A classifier whose whole state is a list of {@link StateEntry}s in PyTorch `state_dict`
 * order: it splits them into `parameters` (trainable) and `buffers` (running statistics,
 * batch counts, frozen weights), and saves and loads them all as one safetensors file. Models
 * built from this package's layers extend it and implement `logits`.
 *
 * @example
 * ```ts
 * const model = AirbenchNet.create({ seed: 0 }); // a StateDictModel
 * model.parameters.length + model.buffers.length === model.stateDict.length; // true
 * model.dispose();
 * ```
 */
export abstract class StateDictModel implements TrainableClassifier {
  abstract readonly numClasses: number;
  /** Every tensor, in `state_dict` order. */
  readonly stateDict: readonly StateEntry[];
  /** The trainable tensors, in `state_dict` order. */
  readonly parameters: readonly StateEntry[];
  /** The saved tensors that are not trained, in `state_dict` order. */
  readonly buffers: readonly StateEntry[];
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  /** The name written into saved files and shown in errors. */
  readonly modelName: string;
  private readonly metadata: Readonly<Record<string, string>>;

  protected constructor(modelName: string, stateDict: readonly StateEntry[]) {
    this.modelName = modelName;
    this.stateDict = stateDict;
    this.parameters = stateDict.filter((e) => e.variable.trainable);
    this.buffers = stateDict.filter((e) => !e.variable.trainable);
    this.parameterCount = this.parameters.reduce((n, p) => n + p.variable.size, 0);
    this.metadata = { format: 'pt', 'cnnkit.model': modelName };
  }

  abstract logits(images: tf.Tensor4D, options?: LogitsOptions): tf.Tensor2D;

  /**
   * Every tensor — parameters and buffers — as `.safetensors` bytes with PyTorch's names and
   * layouts (F32; I64 for `num_batches_tracked`), which the reference module in
   * `scripts/pytorch/` loads with `load_state_dict(strict=True)`.
   *
   * @example
   * ```ts
   * writeFileSync('airbench.safetensors', net.saveWeights());
   * ```
   */
  saveWeights(): Uint8Array {
    return saveStateDict(this.stateDict, this.metadata);
  }

  /**
   * Replaces every tensor with those of a file from {@link StateDictModel.saveWeights} or the
   * PyTorch reference module's `state_dict` (F32, F64, F16 or BF16; I64 or I32 counts).
   * Nothing changes unless every tensor fits; otherwise one `WeightsMismatchError` lists each
   * missing, extra or mis-shaped tensor.
   *
   * @example
   * ```ts
   * net.loadWeights(readFileSync('airbench.safetensors'));
   * ```
   */
  loadWeights(bytes: Uint8Array): void {
    loadStateDict(this.stateDict, bytes, this.modelName);
  }

  /** Frees every tensor; the model cannot be used afterwards. */
  dispose(): void {
    for (const e of this.stateDict) e.variable.dispose();
  }
}
