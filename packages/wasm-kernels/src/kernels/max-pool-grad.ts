import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset } from '../wasm-backend-internals.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';

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
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const simd = simdKernelsFor(backend);
  if (simd != null && dilationHeight === 1 && dilationWidth === 1) {
    const dx = backend.makeOutput([...input.shape], 'float32');
    simd.maxPoolGrad(
      {
        x: heapOffset(backend, input),
        dy: heapOffset(backend, dy),
        dx: heapOffset(backend, dx),
        inH: inHeight,
        inW: inWidth,
        channels: inChannels,
        outH: outHeight,
        outW: outWidth,
        filterH: info.filterHeight,
        filterW: info.filterWidth,
        strideH: strideHeight,
        strideW: strideWidth,
        padTop,
        padLeft,
      },
      {
        parts: batchSize,
        work:
          batchSize * outHeight * outWidth * inChannels * info.filterHeight * info.filterWidth * 2,
      },
    );
    return dx;
  }

  const xValues = heapFloat32(backend, input);
  const dyValues = heapFloat32(backend, dy);
  const dxValues = new Float32Array(batchSize * inHeight * inWidth * inChannels);

  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - padTop;
      const rowEnd = Math.min(inHeight, rowStart + effectiveFilterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const colStart = ow * strideWidth - padLeft;
        const colEnd = Math.min(inWidth, colStart + effectiveFilterWidth);
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * inChannels;
        for (let c = 0; c < inChannels; c++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (
            let ih =
              rowStart < 0
                ? rowStart + Math.ceil(-rowStart / dilationHeight) * dilationHeight
                : rowStart;
            ih < rowEnd;
            ih += dilationHeight
          ) {
            for (
              let iw =
                colStart < 0
                  ? colStart + Math.ceil(-colStart / dilationWidth) * dilationWidth
                  : colStart;
              iw < colEnd;
              iw += dilationWidth
            ) {
              const index = xBatch + (ih * inWidth + iw) * inChannels + c;
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
