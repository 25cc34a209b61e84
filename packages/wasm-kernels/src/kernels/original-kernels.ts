import type * as tf from '@tensorflow/tfjs-core';

/**
 * The wasm backend's own configs for the kernels this package replaced, kept by
 * registerWasmTrainingKernels() so a replacement can hand cases it does not cover (e.g. int32
 * inputs) back to the original.
 */
const originals = new Map<string, tf.KernelConfig>();

/** Remembers `config` as the wasm backend's original kernel of its name (first one wins). */
export function rememberOriginalKernel(config: tf.KernelConfig): void {
  if (!originals.has(config.kernelName)) originals.set(config.kernelName, config);
}

/** Every original kept so far, in the order they were replaced. */
export function originalKernels(): tf.KernelConfig[] {
  return [...originals.values()];
}

/**
 * Runs the original kernel `kernelName` (one that returns one tensor) with a replacement's
 * arguments, or explains that registration did not record it.
 */
export function runOriginalKernel(
  kernelName: string,
  args: { inputs: tf.NamedTensorInfoMap; attrs?: object; backend: tf.KernelBackend },
): tf.TensorInfo {
  const original = originals.get(kernelName);
  if (original == null) {
    throw new Error(
      `@cnnkit/wasm-kernels' ${kernelName} does not cover this case and has no original wasm ` +
        'kernel to hand it to: register the kernels with registerWasmTrainingKernels().',
    );
  }
  return original.kernelFunc({
    inputs: args.inputs,
    attrs: args.attrs as tf.NamedAttrMap,
    backend: args.backend,
  }) as tf.TensorInfo;
}
