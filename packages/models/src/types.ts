/**
 * How one parameter is stored in tfjs and in PyTorch, and how to convert between the two
 * row-major layouts. Models declare a list of these instead of writing conversion code.
 */
export interface ParameterLayout {
  /** PyTorch state_dict key. */
  readonly name: string;
  readonly tfjsShape: readonly number[];
  readonly torchShape: readonly number[];
  /** PyTorch's fan_in, which sets the default init bound 1/√fan_in (0: no uniform init). */
  readonly fanIn: number;
  /**
   * How PyTorch stores it: F32 (the default) or I64 for integer buffers such as BatchNorm's
   * `num_batches_tracked`, which tfjs holds as an int32 variable.
   */
  readonly torchDtype?: 'F32' | 'I64';
  /** Values in tfjs layout → values in PyTorch layout (a new array). */
  toTorch(tfjsValues: Float32Array): Float32Array;
  /** Values in PyTorch layout → values in tfjs layout (a new array). */
  fromTorch(torchValues: Float32Array): Float32Array;
}
