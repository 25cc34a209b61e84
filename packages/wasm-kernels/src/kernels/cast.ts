import * as tf from '@tensorflow/tfjs-core';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { shareData } from './share-data.js';

/**
 * Cast. To its own dtype it shares the data instead of copying it. To bool it gives
 * `x !== 0` like the cpu backend: tfjs-backend-wasm 4.22 stores the number's low byte (0.5 →
 * false, −2 → 254). Other casts go to the original kernel.
 */
export function cast(args: WasmKernelArgs<tf.CastInputs, tf.CastAttrs>): tf.TensorInfo {
  const { backend } = args;
  const { x } = args.inputs;
  const { dtype } = args.attrs;
  if (x.dtype === dtype && dtype !== 'string') return shareData(backend, x);
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const out = backend.makeOutput([...x.shape], 'bool');
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  }
  return runOriginalKernel(tf.Cast, args);
}

/** Replaces tfjs-backend-wasm 4.22's Cast (a copy even to the same dtype; wrong to bool). */
export const castConfig = defineWasmKernel(tf.Cast, cast);
