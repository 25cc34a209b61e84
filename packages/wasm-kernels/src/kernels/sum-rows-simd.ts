import type * as tf from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackend } from '../wasm-backend-internals.js';

/**
 * out[j] = Σ_r x[r, j] for `x` read as a rows × channels matrix, in the SIMD module: a bias
 * gradient. Split over groups of four columns (each column's sum keeps its order on one thread).
 */
export function sumRowsSimd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  out: tf.TensorInfo,
  rows: number,
  channels: number,
): void {
  const scratch = backend.makeOutput([4 * channels], 'float32');
  simd.sumRows(
    {
      x: heapOffset(backend, x),
      scratch: heapOffset(backend, scratch),
      out: heapOffset(backend, out),
      rows,
      channels,
    },
    { parts: Math.ceil(channels / 4), work: rows * channels },
  );
  backend.disposeData(scratch.dataId);
}
