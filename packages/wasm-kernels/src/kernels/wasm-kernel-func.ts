import * as tf from '@tensorflow/tfjs-core';

/** A kernel function of the wasm backend's own, for kernels built from its fast kernels. */
export type WasmKernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  attrs: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}) => tf.TensorInfo;

/** The registered 'wasm' kernel function for `kernelName`, or a clear error if there is none. */
export function wasmKernelFunc(kernelName: string): WasmKernelFunc {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel == null) throw new Error(`The 'wasm' backend has no ${kernelName} kernel.`);
  return kernel.kernelFunc as WasmKernelFunc;
}
