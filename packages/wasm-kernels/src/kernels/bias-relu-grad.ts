import { biasReluGradKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';
import { requireFloat32 } from './require-float32.js';
import { sumRowsSimd } from './sum-rows-simd.js';

const kernelName = biasReluGradKernel.kernelName;

/**
 * From dy and the forward output y: dx = dy where y > 0, NaN where y is NaN (tfjs's relu
 * gradient multiplies by step(y), which is NaN there), else 0; and dBias, the sum of dx over
 * every axis but the last.
 */
export function biasReluGrad(args: {
  readonly inputs: { readonly dy?: tf.TensorInfo; readonly y?: tf.TensorInfo };
  readonly backend: WasmBackend;
}): tf.TensorInfo[] {
  const { backend } = args;
  const dy = requireFloat32(args.inputs.dy, 'dy', kernelName);
  const y = requireFloat32(args.inputs.y, 'y', kernelName);
  if (y.shape.length < 1 || dy.shape.join() !== y.shape.join()) {
    throw new Error(`${kernelName}: dy [${dy.shape}] and y [${y.shape}] must have the same shape.`);
  }
  const channels = y.shape.at(-1) ?? 0;
  const rows = tf.util.sizeFromShape(y.shape.slice(0, -1));
  const dx = backend.makeOutput([...y.shape], 'float32');
  const dBias = backend.makeOutput([channels], 'float32');
  const simd = simdKernelsFor(backend);
  if (simd != null) {
    const n = rows * channels;
    simd.reluGrad(
      { dy: heapOffset(backend, dy), y: heapOffset(backend, y), dx: heapOffset(backend, dx), n },
      { parts: Math.ceil(n / 4), work: n },
    );
    sumRowsSimd(simd, backend, dx, dBias, rows, channels);
    return [dx, dBias];
  }
  const gs = heapFloat32(backend, dy);
  const ys = heapFloat32(backend, y);
  const dxs = heapFloat32(backend, dx);
  const sums = new Float64Array(channels);
  for (let i = 0; i < ys.length; i++) {
    const out = ys[i] as number;
    const g = out > 0 ? (gs[i] as number) : Number.isNaN(out) ? Number.NaN : 0;
    dxs[i] = g;
    sums[i % channels] = (sums[i % channels] as number) + (dxs[i] as number);
  }
  heapFloat32(backend, dBias).set(sums);
  return [dx, dBias];
}

/** The gradient of the fused bias + ReLU of `@cnnkit/contracts`. */
export const biasReluGradConfig = defineWasmFusedKernel(biasReluGradKernel, biasReluGrad);
