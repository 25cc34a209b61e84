import { biasReluGradKernel, biasReluKernel, defineFusedKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackendInternals } from '../wasm-backend-internals.js';
import { addBiasSimd } from './bias.js';

const biasReluKernelName = biasReluKernel.kernelName;
const biasReluGradKernelName = biasReluGradKernel.kernelName;

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
}

function float32Input(inputs: tf.NamedTensorInfoMap, name: string, kernel: string) {
  const tensor = inputs[name];
  if (tensor == null || tensor.dtype !== 'float32' || tensor.shape.length < 1) {
    throw new Error(`${kernel}: ${name} must be a float32 tensor, got ${tensor?.dtype}.`);
  }
  return tensor;
}

/** Rows (all axes but the last) and channels (the last axis) of `shape`. */
function rowsAndChannels(shape: readonly number[]): [number, number] {
  const channels = shape.at(-1) ?? 0;
  return [tf.util.sizeFromShape(shape.slice(0, -1)), channels];
}

/** relu(x + bias), bias along x's last axis; NaN stays NaN. */
export function biasRelu(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendInternals;
  const x = float32Input(args.inputs, 'x', biasReluKernelName);
  const bias = float32Input(args.inputs, 'bias', biasReluKernelName);
  const channels = x.shape.at(-1) ?? 0;
  if (bias.shape.length !== 1 || bias.shape[0] !== channels) {
    throw new Error(
      `${biasReluKernelName}: bias must have shape [${channels}] (x's last axis), got [${bias.shape}].`,
    );
  }
  const simd = simdKernelsFor(backend);
  if (simd != null) return addBiasSimd(simd, backend, x, bias, true);
  const out = backend.makeOutput([...x.shape], 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const bs = backend.typedArrayFromHeap(bias) as Float32Array;
  const ys = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < xs.length; i++) {
    const sum = (xs[i] as number) + (bs[i % channels] as number);
    ys[i] = Math.max(sum, 0);
  }
  return out;
}

/**
 * From dy and the forward output y: dx = dy where y > 0, NaN where y is NaN (tfjs's relu
 * gradient multiplies by step(y), which is NaN there), else 0; and dBias, the sum of dx over
 * every axis but the last.
 */
export function biasReluGrad(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as unknown as WasmBackendInternals;
  const dy = float32Input(args.inputs, 'dy', biasReluGradKernelName);
  const y = float32Input(args.inputs, 'y', biasReluGradKernelName);
  if (dy.shape.join() !== y.shape.join()) {
    throw new Error(
      `${biasReluGradKernelName}: dy [${dy.shape}] and y [${y.shape}] must have the same shape.`,
    );
  }
  const [rows, channels] = rowsAndChannels(y.shape);
  const dx = backend.makeOutput([...y.shape], 'float32');
  const dBias = backend.makeOutput([channels], 'float32');
  const simd = simdKernelsFor(backend);
  if (simd != null) {
    const scratch = backend.makeOutput([4 * channels], 'float32');
    simd.biasReluGrad(
      heapOffset(backend, dy),
      heapOffset(backend, y),
      heapOffset(backend, dx),
      heapOffset(backend, scratch),
      heapOffset(backend, dBias),
      rows,
      channels,
    );
    backend.disposeData(scratch.dataId);
    return [dx, dBias];
  }
  const gs = backend.typedArrayFromHeap(dy) as Float32Array;
  const ys = backend.typedArrayFromHeap(y) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  const sums = new Float64Array(channels);
  for (let i = 0; i < ys.length; i++) {
    const out = ys[i] as number;
    const g = out > 0 ? (gs[i] as number) : Number.isNaN(out) ? Number.NaN : 0;
    dxs[i] = g;
    sums[i % channels] = (sums[i % channels] as number) + (dxs[i] as number);
  }
  (backend.typedArrayFromHeap(dBias) as Float32Array).set(sums);
  return [dx, dBias];
}

/** The fused bias + ReLU of `@cnnkit/contracts` (used by `@cnnkit/models`' biasRelu). */
export const biasReluConfig = defineFusedKernel(biasReluKernel, 'wasm', (args) => [biasRelu(args)]);

/** The gradient of {@link biasReluConfig}'s kernel. */
export const biasReluGradConfig = defineFusedKernel(biasReluGradKernel, 'wasm', biasReluGrad);
