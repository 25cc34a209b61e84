import {
  type AnyFusedKernel,
  defineFusedKernel,
  type FusedKernelAttrs,
  type FusedKernelInputs,
} from '@cnnkit/contracts';
import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../wasm-backend-internals.js';

/**
 * What one of this package's replacements of a tfjs kernel receives: the inputs and attributes
 * tfjs-core declares for that kernel (e.g. `tf.Conv2DInputs`, `tf.Conv2DAttrs`; every declared
 * input is given), on the 'wasm' backend.
 */
export interface WasmKernelArgs<Inputs extends tf.NamedTensorInfoMap, Attrs> {
  readonly inputs: { readonly [name in keyof Inputs]-?: tf.TensorInfo };
  readonly attrs: Attrs;
  readonly backend: WasmBackend;
}

/**
 * A `tf.KernelConfig` for the 'wasm' backend from a kernel function typed with its tfjs-core
 * inputs and attributes. tfjs-core's registry types every kernel loosely (any named tensors and
 * attributes, any backend); this is the one place that narrows them, which holds because tfjs
 * calls a kernel with its op's declared inputs and attributes, and only on the backend it is
 * registered for, whose internals registration checked.
 */
export function defineWasmKernel<Inputs extends tf.NamedTensorInfoMap, Attrs>(
  kernelName: string,
  kernelFunc: (args: WasmKernelArgs<Inputs, Attrs>) => tf.TensorInfo,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) =>
      kernelFunc({
        inputs: inputs as WasmKernelArgs<Inputs, Attrs>['inputs'],
        attrs: attrs as Attrs,
        backend: backend as WasmBackend,
      }),
  };
}

/**
 * A `tf.KernelConfig` implementing one of `@cnnkit/contracts`' fused kernels on 'wasm', its
 * inputs and attributes typed from the contract (`defineFusedKernel`) and its backend as the
 * kernels see it.
 */
export function defineWasmFusedKernel<K extends AnyFusedKernel>(
  kernel: K,
  kernelFunc: (args: {
    readonly inputs: FusedKernelInputs<K>;
    readonly attrs: FusedKernelAttrs<K>;
    readonly backend: WasmBackend;
  }) => tf.TensorInfo[],
): tf.KernelConfig {
  return defineFusedKernel(kernel, 'wasm', ({ inputs, attrs, backend }) =>
    kernelFunc({ inputs, attrs, backend: backend as WasmBackend }),
  );
}
