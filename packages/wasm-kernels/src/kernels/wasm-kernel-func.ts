import * as tf from '@tensorflow/tfjs-core';

/**
 * A kernel function of the wasm backend's own, typed with the inputs and attributes tfjs-core
 * declares for it, for kernels built from its fast kernels.
 */
export type WasmKernelFunc<Inputs, Attrs> = (args: {
  inputs: Inputs;
  attrs: Attrs;
  backend: tf.KernelBackend;
}) => tf.TensorInfo;

/**
 * The registered 'wasm' kernel function for `kernelName` (whose tfjs-core inputs and attributes
 * the caller names), or a clear error if there is none.
 */
export function wasmKernelFunc<Inputs extends tf.NamedTensorInfoMap, Attrs extends object>(
  kernelName: string,
): WasmKernelFunc<Inputs, Attrs> {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel == null) throw new Error(`The 'wasm' backend has no ${kernelName} kernel.`);
  // The wasm backend's kernels each return one tensor.
  return kernel.kernelFunc as WasmKernelFunc<Inputs, Attrs>;
}
