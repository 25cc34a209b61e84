import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { reducesLeadingAxes } from './reduces-leading-axes.js';
import { sumRowsSimd } from './sum-rows-simd.js';

/**
 * Sum over axes. A bias gradient, the float32 sum over every axis but the last, runs in the
 * SIMD module (tfjs-backend-wasm 4.22 transposes the reduced axes innermost first); everything
 * else goes to the original kernel.
 */
export function sum(args: WasmKernelArgs<tf.SumInputs, tf.SumAttrs>): tf.TensorInfo {
  const { backend } = args;
  const { x } = args.inputs;
  const { axis, keepDims } = args.attrs;
  const simd = simdKernelsFor(backend);
  if (simd == null || x.dtype !== 'float32' || !reducesLeadingAxes(x.shape, axis)) {
    return runOriginalKernel(tf.Sum, args);
  }
  const channels = x.shape.at(-1) as number;
  const shape = keepDims ? [...x.shape.map(() => 1).slice(0, -1), channels] : [channels];
  const out = backend.makeOutput(shape, 'float32');
  sumRowsSimd(simd, backend, x, out, tf.util.sizeFromShape(x.shape.slice(0, -1)), channels);
  return out;
}

/** Replaces tfjs-backend-wasm 4.22's Sum (slow for a bias gradient). */
export const sumConfig = defineWasmKernel(tf.Sum, sum);
