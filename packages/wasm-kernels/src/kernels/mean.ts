import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32 } from '../wasm-backend-internals.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { reducesLeadingAxes } from './reduces-leading-axes.js';
import { sumRowsSimd } from './sum-rows-simd.js';

/**
 * Mean over axes. The float32 mean over every axis but the last (BatchNorm's batch statistics of
 * NHWC maps) is the SIMD module's column sums, split over the kernel threads, divided by the
 * count (tfjs-backend-wasm 4.22 first transposes the whole input to put the reduced axes
 * innermost, on one thread); everything else goes to the original kernel.
 */
export function mean(args: WasmKernelArgs<tf.MeanInputs, tf.MeanAttrs>): tf.TensorInfo {
  const { backend } = args;
  const { x } = args.inputs;
  const { axis, keepDims } = args.attrs;
  const simd = simdKernelsFor(backend);
  if (simd == null || x.dtype !== 'float32' || !reducesLeadingAxes(x.shape, axis)) {
    return runOriginalKernel(tf.Mean, args);
  }
  const channels = x.shape.at(-1) as number;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  const shape = keepDims ? [...x.shape.map(() => 1).slice(0, -1), channels] : [channels];
  const out = backend.makeOutput(shape, 'float32');
  sumRowsSimd(simd, backend, x, out, rows, channels);
  const sums = heapFloat32(backend, out);
  // A float32 division of each sum, as the original kernel's last step.
  for (let j = 0; j < channels; j++) sums[j] = (sums[j] as number) / rows;
  return out;
}

/** Replaces tfjs-backend-wasm 4.22's Mean (a transpose of the whole input first). */
export const meanConfig = defineWasmKernel(tf.Mean, mean);
