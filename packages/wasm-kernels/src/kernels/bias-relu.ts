import { biasReluKernel } from '@cnnkit/contracts';
import type * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, type WasmBackend } from '../wasm-backend-internals.js';
import { addBiasSimd } from './add-bias-simd.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';
import { requireFloat32 } from './require-float32.js';

const kernelName = biasReluKernel.kernelName;

/** relu(x + bias), bias along x's last axis; NaN stays NaN. */
export function biasRelu(args: {
  readonly inputs: { readonly x?: tf.TensorInfo; readonly bias?: tf.TensorInfo };
  readonly backend: WasmBackend;
}): tf.TensorInfo {
  const { backend } = args;
  const x = requireFloat32(args.inputs.x, 'x', kernelName);
  const bias = requireFloat32(args.inputs.bias, 'bias', kernelName);
  const channels = x.shape.at(-1) ?? 0;
  if (x.shape.length < 1 || bias.shape.length !== 1 || bias.shape[0] !== channels) {
    throw new Error(
      `${kernelName}: bias must have shape [${channels}] (x's last axis), got [${bias.shape}].`,
    );
  }
  const simd = simdKernelsFor(backend);
  if (simd != null) return addBiasSimd(simd, backend, x, bias, true);
  const out = backend.makeOutput([...x.shape], 'float32');
  const xs = heapFloat32(backend, x);
  const bs = heapFloat32(backend, bias);
  const ys = heapFloat32(backend, out);
  for (let i = 0; i < xs.length; i++) {
    const sum = (xs[i] as number) + (bs[i % channels] as number);
    ys[i] = Math.max(sum, 0);
  }
  return out;
}

/** The fused bias + ReLU of `@cnnkit/contracts` (used by `@cnnkit/models`' biasRelu). */
export const biasReluConfig = defineWasmFusedKernel(biasReluKernel, (args) => [biasRelu(args)]);
