import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset } from '../wasm-backend-internals.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { poolGeometry } from './pool-geometry.js';

/**
 * Routes each dy value to the first maximum of its pooling window, like the cpu backend.
 *
 * Replaces tfjs-backend-wasm 4.22's MaxPoolGrad: when a window's maximum is negative it drops
 * that window's gradient or sends it to the wrong element, and it gives ties to the last
 * maximum where cpu, tfjs-node and PyTorch give the first (both shown in max-pool-grad.test.ts).
 * The first silently corrupts training whenever a max pool sees negative values (e.g. pooling
 * before relu).
 */
export function maxPoolGrad({
  inputs: { dy, input },
  attrs: { filterSize, strides, pad, dimRoundingMode },
  backend,
}: WasmKernelArgs<tf.MaxPoolGradInputs, tf.MaxPoolGradAttrs>): tf.TensorInfo {
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(
      `MaxPoolGrad on wasm needs float32 input and dy, got ${input.dtype} and ${dy.dtype}.`,
    );
  }
  // MaxPoolGrad has no dilation: windows are filterH × filterW adjacent pixels.
  const { batchSize, ...geometry } = poolGeometry(input.shape, {
    filterSize,
    strides,
    pad,
    dimRoundingMode,
  });
  const { inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft } =
    geometry;
  const simd = simdKernelsFor(backend);
  if (simd != null) {
    const dx = backend.makeOutput([...input.shape], 'float32');
    simd.maxPoolGrad(
      {
        x: heapOffset(backend, input),
        dy: heapOffset(backend, dy),
        dx: heapOffset(backend, dx),
        ...geometry,
      },
      { parts: batchSize, work: batchSize * outH * outW * channels * filterH * filterW * 2 },
    );
    return dx;
  }

  const xValues = heapFloat32(backend, input);
  const dyValues = heapFloat32(backend, dy);
  const dxValues = new Float32Array(batchSize * inH * inW * channels);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inH * inW * channels;
    for (let oh = 0; oh < outH; oh++) {
      const rowStart = oh * strideH - padTop;
      const rowEnd = Math.min(inH, rowStart + filterH);
      for (let ow = 0; ow < outW; ow++) {
        const colStart = ow * strideW - padLeft;
        const colEnd = Math.min(inW, colStart + filterW);
        const dyBase = ((b * outH + oh) * outW + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (let ih = Math.max(rowStart, 0); ih < rowEnd; ih++) {
            for (let iw = Math.max(colStart, 0); iw < colEnd; iw++) {
              const index = xBatch + (ih * inW + iw) * channels + c;
              const value = xValues[index] as number;
              if (value > maxValue) {
                maxValue = value;
                maxIndex = index;
              }
            }
          }
          if (maxIndex >= 0) {
            dxValues[maxIndex] = (dxValues[maxIndex] as number) + (dyValues[dyBase + c] as number);
          }
        }
      }
    }
  }

  const dx = backend.makeOutput([...input.shape], 'float32');
  // makeOutput may grow wasm memory, which detaches earlier heap views: take a fresh one.
  heapFloat32(backend, dx).set(dxValues);
  return dx;
}

/** Replaces tfjs-backend-wasm 4.22's MaxPoolGrad (wrong for negative maxima and ties). */
export const maxPoolGradConfig = defineWasmKernel(tf.MaxPoolGrad, maxPoolGrad);
