import type * as tf from '@tensorflow/tfjs-core';

/** What {@link registerWasmTrainingKernels} did to the 'wasm' backend's kernel registry. */
export interface RegisteredKernels {
  /** Kernel names the wasm backend lacked and this package now provides. */
  readonly added: readonly string[];
  /**
   * The wasm backend's own configs for the kernels this package replaced (e.g. its
   * MaxPoolGrad), as they were before the first registration: for comparisons and bug reports.
   */
  readonly replaced: readonly tf.KernelConfig[];
}
