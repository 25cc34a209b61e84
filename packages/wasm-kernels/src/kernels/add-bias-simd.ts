import * as tf from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackend } from '../wasm-backend-internals.js';

/**
 * x + bias along x's last axis in the SIMD module, then max(·, 0) when `relu` (NaN stays NaN):
 * the bias add of the Add kernel and the fused bias + ReLU.
 */
export function addBiasSimd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  bias: tf.TensorInfo,
  relu: boolean,
): tf.TensorInfo {
  const channels = x.shape.at(-1) ?? 0;
  const out = backend.makeOutput([...x.shape], 'float32');
  const scratch = backend.makeOutput([4 * channels], 'float32');
  simd.addBias({
    x: heapOffset(backend, x),
    bias: heapOffset(backend, bias),
    scratch: heapOffset(backend, scratch),
    out: heapOffset(backend, out),
    rows: tf.util.sizeFromShape(x.shape.slice(0, -1)),
    channels,
    relu: relu ? 1 : 0,
  });
  backend.disposeData(scratch.dataId);
  return out;
}
