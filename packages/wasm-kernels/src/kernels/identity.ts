import * as tf from '@tensorflow/tfjs-core';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { shareData } from './share-data.js';

/**
 * Identity without a copy. The engine clones every tensor the gradient tape saves through this
 * kernel; tfjs-backend-wasm 4.22 copies each one (about 2 ms per SimpleCNN step at batch 64),
 * where the cpu backend, like this kernel, shares the data and counts the reference.
 */
export function identity(args: WasmKernelArgs<tf.IdentityInputs, object>): tf.TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === 'string') return runOriginalKernel(tf.Identity, args);
  return shareData(args.backend, x);
}

/** Replaces tfjs-backend-wasm 4.22's Identity (a copy). */
export const identityConfig = defineWasmKernel(tf.Identity, identity);
