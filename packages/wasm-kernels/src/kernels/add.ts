import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { addBiasSimd } from './add-bias-simd.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';

/**
 * a + b. A layer's bias add, `[…, channels] + [channels]` in float32 (either order), runs in
 * the SIMD module; tfjs-backend-wasm 4.22 takes its slow general broadcasting path for it
 * (about 7× slower than an add of equal shapes). Everything else goes to the original kernel.
 */
export function add(args: WasmKernelArgs<tf.BinaryInputs, object>): tf.TensorInfo {
  const { a, b } = args.inputs;
  const [x, bias] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
  const channels = x.shape.at(-1) ?? 0;
  const simd = simdKernelsFor(args.backend);
  if (
    simd == null ||
    x.dtype !== 'float32' ||
    bias.dtype !== 'float32' ||
    x.shape.length < 2 ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== channels
  ) {
    return runOriginalKernel(tf.Add, args);
  }
  return addBiasSimd(simd, args.backend, x, bias, false);
}

/** Replaces tfjs-backend-wasm 4.22's Add (slow for a bias broadcast). */
export const addConfig = defineWasmKernel(tf.Add, add);
