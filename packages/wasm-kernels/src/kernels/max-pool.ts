import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapOffset } from '../wasm-backend-internals.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { poolGeometry } from './pool-geometry.js';

/**
 * MaxPool (NHWC, float32) in the SIMD module, split over the kernel threads by output rows.
 *
 * Replaces tfjs-backend-wasm's XNNPACK MaxPool, which runs on the calling thread only (about
 * 2.5 % of a 2-thread AirbenchNet step at batch 512, 3 % of SimpleCNN's at batch 64). A window's
 * maximum is taken as the cpu backend and this package's MaxPoolGrad take it (a value replaces
 * it only when strictly greater, so NaN is skipped), so the gradient goes where the forward
 * pass found the maximum. Other dtypes, and the backend without the SIMD module, use the
 * original kernel.
 */
export function maxPool(args: WasmKernelArgs<tf.MaxPoolInputs, tf.MaxPoolAttrs>): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x } = inputs;
  const simd = simdKernelsFor(backend);
  if (x.dtype !== 'float32' || simd == null) return runOriginalKernel(tf.MaxPool, args);
  const { batchSize, ...geometry } = poolGeometry(x.shape, attrs);
  const { outH, outW, channels, filterH, filterW } = geometry;
  const out = backend.makeOutput([batchSize, outH, outW, channels], 'float32');
  if (batchSize * outH * outW * channels === 0) return out;
  simd.maxPool(
    { x: heapOffset(backend, x), out: heapOffset(backend, out), ...geometry },
    { parts: batchSize * outH, work: batchSize * outH * outW * channels * filterH * filterW },
  );
  return out;
}

/** Registers with `tf.registerKernel`, replacing tfjs-backend-wasm's XNNPACK MaxPool. */
export const maxPoolConfig = defineWasmKernel(tf.MaxPool, maxPool);
