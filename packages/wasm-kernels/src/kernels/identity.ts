import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from '../wasm-backend-internals.js';
import { runOriginalKernel } from './original-kernels.js';

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/** A new tensor on x's data: tfjs tensors are immutable, so sharing is safe (as for Reshape). */
function share(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * Identity without a copy. The engine clones every tensor the gradient tape saves through this
 * kernel; tfjs-backend-wasm 4.22 copies each one (about 2 ms per SimpleCNN step at batch 64),
 * where the cpu backend, like this kernel, shares the data and counts the reference.
 */
export function identity(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as unknown as { x: tf.TensorInfo };
  if (x.dtype === 'string') return runOriginalKernel(tf.Identity, args) as tf.TensorInfo;
  return share(args.backend, x);
}

/**
 * Cast. To its own dtype it shares the data instead of copying it. To bool it gives
 * `x !== 0` like the cpu backend: tfjs-backend-wasm 4.22 stores the number's low byte (0.5 →
 * false, −2 → 254). Other casts go to the original kernel.
 */
export function cast(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as unknown as { x: tf.TensorInfo };
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (x.dtype === dtype && dtype !== 'string') return share(args.backend, x);
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const backend = args.backend as unknown as WasmBackendInternals;
    const out = backend.makeOutput([...x.shape], 'bool');
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  }
  return runOriginalKernel(tf.Cast, args) as tf.TensorInfo;
}

/** Replaces tfjs-backend-wasm 4.22's Identity (a copy). */
export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};

/** Replaces tfjs-backend-wasm 4.22's Cast (a copy even to the same dtype; wrong to bool). */
export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: cast as unknown as tf.KernelFunc,
};
