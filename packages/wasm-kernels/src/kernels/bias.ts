import * as tf from '@tensorflow/tfjs-core';
import { type SimdKernels, simdKernelsFor } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackendInternals } from '../wasm-backend-internals.js';
import { runOriginalKernel } from './original-kernels.js';

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/**
 * a + b. A layer's bias add, `[…, channels] + [channels]` in float32 (either order), runs in
 * the SIMD module; tfjs-backend-wasm 4.22 takes its slow general broadcasting path for it
 * (about 7× slower than an add of equal shapes). Everything else goes to the original kernel.
 */
export function add(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendInternals;
  const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
  const [x, bias] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
  const channels = x.shape.at(-1) ?? 0;
  const simd = simdKernelsFor(backend);
  if (
    simd == null ||
    x.dtype !== 'float32' ||
    bias.dtype !== 'float32' ||
    x.shape.length < 2 ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== channels
  ) {
    return runOriginalKernel(tf.Add, args) as tf.TensorInfo;
  }
  return addBiasSimd(simd, backend, x, bias, false);
}

/**
 * x + bias along x's last axis in the SIMD module, then max(·, 0) when `relu` (NaN stays NaN).
 * Shared with the fused bias + ReLU kernel.
 */
export function addBiasSimd(
  simd: SimdKernels,
  backend: WasmBackendInternals,
  x: tf.TensorInfo,
  bias: tf.TensorInfo,
  relu: boolean,
): tf.TensorInfo {
  const channels = x.shape.at(-1) ?? 0;
  const out = backend.makeOutput([...x.shape], 'float32');
  const scratch = backend.makeOutput([4 * channels], 'float32');
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  simd.addBias(
    heapOffset(backend, x),
    heapOffset(backend, bias),
    heapOffset(backend, scratch),
    heapOffset(backend, out),
    rows,
    channels,
    relu ? 1 : 0,
  );
  backend.disposeData(scratch.dataId);
  return out;
}

/**
 * Sum over axes. A bias gradient, the float32 sum over every axis but the last, runs in the
 * SIMD module (tfjs-backend-wasm 4.22 transposes the reduced axes innermost first); everything
 * else goes to the original kernel.
 */
export function sum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendInternals;
  const { x } = args.inputs as unknown as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((value, i) => value === i);
  const simd = simdKernelsFor(backend);
  if (simd == null || x.dtype !== 'float32' || !leading) {
    return runOriginalKernel(tf.Sum, args) as tf.TensorInfo;
  }
  const channels = x.shape[rank - 1] as number;
  const shape = keepDims ? [...x.shape.map(() => 1).slice(0, -1), channels] : [channels];
  const out = backend.makeOutput(shape, 'float32');
  const scratch = backend.makeOutput([4 * channels], 'float32');
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  simd.sumRows(
    heapOffset(backend, x),
    heapOffset(backend, scratch),
    heapOffset(backend, out),
    rows,
    channels,
  );
  backend.disposeData(scratch.dataId);
  return out;
}

/** Replaces tfjs-backend-wasm 4.22's Add (slow for a bias broadcast). */
export const addConfig: tf.KernelConfig = {
  kernelName: tf.Add,
  backendName: 'wasm',
  kernelFunc: add as unknown as tf.KernelFunc,
};

/** Replaces tfjs-backend-wasm 4.22's Sum (slow for a bias gradient). */
export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as tf.KernelFunc,
};
