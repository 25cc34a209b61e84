import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapOffset } from '../wasm-backend-internals.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';

/**
 * out[…, i, j] = Σ_p op(a)[…, i, p] · op(b)[…, p, j] with SIMD for every transpose
 * combination. tfjs-backend-wasm 4.22 sends only the plain case to XNNPACK (which re-packs the
 * weights whenever they are a new tensor, i.e. after every optimizer step) and computes both
 * transposed cases of a dense layer's gradient with a scalar loop. Batches that broadcast in
 * another way than "equal, or one of them 1", and non-float32 inputs, go to the original kernel.
 */
export function batchMatMul(
  args: WasmKernelArgs<tf.BatchMatMulInputs, tf.BatchMatMulAttrs>,
): tf.TensorInfo {
  const { backend } = args;
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs;
  const simd = simdKernelsFor(backend);
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) as number;
  const k = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) as number;
  const kB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) as number;
  const n = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) as number;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = Math.max(batchA, batchB);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const simple =
    (batchA === batchB || batchA === 1 || batchB === 1) && tf.util.sizeFromShape(outer) === batch;
  if (
    simd == null ||
    !simple ||
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    aRank < 2 ||
    bRank < 2 ||
    k !== kB
  ) {
    return runOriginalKernel(tf.BatchMatMul, args);
  }
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const outBase = heapOffset(backend, out);
  const aStep = batchA === 1 ? 0 : m * k * 4;
  const bStep = batchB === 1 ? 0 : k * n * 4;
  for (let i = 0; i < batch; i++) {
    simd.matmul(
      {
        a: aBase + i * aStep,
        b: bBase + i * bStep,
        c: outBase + i * m * n * 4,
        m,
        n,
        k,
        transposeA: transposeA ? 1 : 0,
        transposeB: transposeB ? 1 : 0,
      },
      { parts: Math.ceil(m / 4), work: m * n * k },
    );
  }
  return out;
}

/** Replaces tfjs-backend-wasm 4.22's BatchMatMul (scalar loops for transposed inputs). */
export const batchMatMulConfig = defineWasmKernel(tf.BatchMatMul, batchMatMul);
