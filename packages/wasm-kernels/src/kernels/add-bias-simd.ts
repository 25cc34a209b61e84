import * as tf from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';

/**
 * x + bias along x's last axis in the SIMD module, then max(·, 0) when `relu` (NaN stays NaN):
 * the bias add of the Add kernel and the fused bias + ReLU. Split over groups of four rows.
 */
export function addBiasSimd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  bias: tf.TensorInfo,
  relu: boolean,
): tf.TensorInfo {
  const channels = x.shape.at(-1) ?? 0;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  const out = backend.makeOutput([...x.shape], 'float32');
  const bias4 = backend.makeOutput([4 * channels], 'float32');
  // Views after every allocation: the heap may have grown, which detaches older views.
  const tiled = heapFloat32(backend, bias4);
  const values = heapFloat32(backend, bias);
  for (let q = 0; q < 4; q++) tiled.set(values, q * channels);
  simd.addBias(
    {
      x: heapOffset(backend, x),
      bias4: heapOffset(backend, bias4),
      out: heapOffset(backend, out),
      rows,
      channels,
      relu: relu ? 1 : 0,
    },
    { parts: Math.ceil(rows / 4), work: rows * channels },
  );
  backend.disposeData(bias4.dataId);
  return out;
}
