import * as tf from '@tensorflow/tfjs-core';
import { type SimdKernels, simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { conv2DWinograd, usesWinograd } from './conv2d-winograd.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { wasmKernelFunc } from './wasm-kernel-func.js';

/**
 * dx[b, ih, iw, ci] = Σ over filter row fh, column fw and output channel co of
 * dy[b, oh, ow, co] · W[fh, fw, ci, co], where ih = oh·strideH − padTop + fh (same for columns).
 *
 * tfjs-backend-wasm 4.22's own Conv2DBackpropInput is correct but a plain loop, the slowest
 * step of a SimpleCNN training step. The same sum is a stride-1 'valid' convolution, which the
 * wasm backend runs with XNNPACK: dy is spread out by the stride (zeros between rows and
 * columns) and padded by filter size − 1 − pad on each side, into `spread`
 * [batch, inH + filterH − 1, inW + filterW − 1, outChannels]; the filter is flipped in both
 * spatial axes with its channel axes swapped, [filterH, filterW, outChannels, inChannels].
 * NCHW is transposed to NHWC and back around that. With the SIMD module, NHWC runs as a
 * matrix product and col2im, or, for 3×3 filters at stride 1, as the convolution above by
 * Winograd's F(4×4, 3×3).
 */
export function conv2DBackpropInput({
  inputs: { dy, filter },
  attrs,
  backend,
}: WasmKernelArgs<tf.Conv2DBackpropInputInputs, tf.Conv2DBackpropInputAttrs>): tf.TensorInfo {
  const { strides, pad, dataFormat = 'NHWC', dimRoundingMode, inputShape } = attrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new Error(
      `Conv2DBackpropInput on wasm needs float32 dy and filter, got ${dy.dtype} and ${filter.dtype}.`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    [...inputShape] as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const channelsFirst = info.dataFormat === 'channelsFirst';
  const simd = simdKernelsFor(backend);
  if (simd != null && !channelsFirst) {
    const transposedConv = winogradTransposedConv(info, dy);
    if (transposedConv != null) {
      return inputGradientWinograd(simd, backend, dy, filter, info, transposedConv);
    }
    return inputGradientSimd(simd, backend, dy, filter, info);
  }
  const transpose = wasmKernelFunc<tf.TransposeInputs, tf.TransposeAttrs>(tf.Transpose);
  const conv2d = wasmKernelFunc<tf.Conv2DInputs, tf.Conv2DAttrs>(tf.Conv2D);

  const dyNhwc = channelsFirst
    ? transpose({ inputs: { x: dy }, attrs: { perm: [0, 2, 3, 1] }, backend })
    : dy;
  const spreadHeight = inHeight + filterHeight - 1;
  const spreadWidth = inWidth + filterWidth - 1;
  const spread = backend.makeOutput([batchSize, spreadHeight, spreadWidth, outChannels], 'float32');
  const flipped = backend.makeOutput(
    [filterHeight, filterWidth, outChannels, inChannels],
    'float32',
  );
  // makeOutput may grow wasm memory, which detaches earlier heap views: take views after it.
  const dyValues = heapFloat32(backend, dyNhwc);
  const spreadValues = heapFloat32(backend, spread);
  spreadValues.fill(0);
  // spread row j holds dy row (j − rowOffset) / strideH when that is a whole row of dy.
  const rowOffset = filterHeight - 1 - info.padInfo.top;
  const columnOffset = filterWidth - 1 - info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const j = oh * strideHeight + rowOffset;
      if (j < 0 || j >= spreadHeight) continue;
      for (let ow = 0; ow < outWidth; ow++) {
        const k = ow * strideWidth + columnOffset;
        if (k < 0 || k >= spreadWidth) continue;
        const source = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        spreadValues.set(
          dyValues.subarray(source, source + outChannels),
          ((b * spreadHeight + j) * spreadWidth + k) * outChannels,
        );
      }
    }
  }
  if (dyNhwc !== dy) backend.disposeData(dyNhwc.dataId);

  flipFilter(backend, filter, flipped, info);

  const dx = conv2d({
    inputs: { x: spread, filter: flipped },
    attrs: { strides: 1, dilations: 1, pad: 'valid', dataFormat: 'NHWC' },
    backend,
  });
  backend.disposeData(spread.dataId);
  backend.disposeData(flipped.dataId);
  if (!channelsFirst) return dx;
  const dxNchw = transpose({ inputs: { x: dx }, attrs: { perm: [0, 3, 1, 2] }, backend });
  backend.disposeData(dx.dataId);
  return dxNchw;
}

/**
 * The NHWC case with the SIMD module, for any stride, dilation and padding: every dy pixel's
 * contribution to its filter-sized window of dx is one row of cols = dy·Wᵀ ([pixels, filterH ·
 * filterW · inChannels], a matrix product with the transposed filter), and col2im adds those
 * rows into dx, dropping taps in the padding. Unlike the full convolution of a spread dy, no
 * work is spent on zeros.
 */
function inputGradientSimd(
  simd: SimdKernels,
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const pixels = batchSize * outHeight * outWidth;
  const filterT = backend.makeOutput([outChannels, taps], 'float32');
  const cols = backend.makeOutput([pixels, taps], 'float32');
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  simd.transpose2d({
    src: heapOffset(backend, filter),
    dst: heapOffset(backend, filterT),
    rows: taps,
    cols: outChannels,
  });
  simd.matmul(
    {
      a: heapOffset(backend, dy),
      b: heapOffset(backend, filterT),
      c: heapOffset(backend, cols),
      m: pixels,
      n: taps,
      k: outChannels,
      transposeA: 0,
      transposeB: 0,
    },
    { parts: Math.ceil(pixels / 4), work: pixels * taps * outChannels },
  );
  simd.col2im(
    {
      cols: heapOffset(backend, cols),
      dx: heapOffset(backend, dx),
      inH: inHeight,
      inW: inWidth,
      inC: inChannels,
      outH: outHeight,
      outW: outWidth,
      filterH: filterHeight,
      filterW: filterWidth,
      strideH: strideHeight,
      strideW: strideWidth,
      dilationH: dilationHeight,
      dilationW: dilationWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
    },
    { parts: batchSize, work: pixels * taps },
  );
  backend.disposeData(filterT.dataId);
  backend.disposeData(cols.dataId);
  return dx;
}

/**
 * W flipped in both spatial axes with its channel axes swapped, into `flipped`
 * ([filterH, filterW, outChannels, inChannels]): the filter of the convolution that gives dx.
 */
function flipFilter(
  backend: WasmBackend,
  filter: tf.TensorInfo,
  flipped: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const filterValues = heapFloat32(backend, filter);
  const flippedValues = heapFloat32(backend, flipped);
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      const source = (fh * filterWidth + fw) * inChannels * outChannels;
      const target =
        ((filterHeight - 1 - fh) * filterWidth + (filterWidth - 1 - fw)) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) {
          flippedValues[target + co * inChannels + ci] = filterValues[
            source + ci * outChannels + co
          ] as number;
        }
      }
    }
  }
}

/**
 * At stride 1 with a 3×3 filter (dilation is always 1 here), dx is the convolution of dy with the flipped filter, padded
 * by 2 − pad on each side: when that convolution is one {@link usesWinograd} takes (padding at
 * most 2, channels that fit its tiles), its shape; otherwise undefined.
 */
function winogradTransposedConv(
  info: tf.backend_util.Conv2DInfo,
  dy: tf.TensorInfo,
): tf.backend_util.Conv2DInfo | undefined {
  const { top, bottom, left, right } = info.padInfo;
  if (info.filterHeight !== 3 || info.filterWidth !== 3) return undefined;
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  if (Math.max(top, bottom, left, right) > 2) return undefined;
  const transposed = tf.backend_util.computeConv2DInfo(
    dy.shape as [number, number, number, number],
    [3, 3, info.outChannels, info.inChannels],
    1,
    1,
    [
      [0, 0],
      [2 - top, 2 - bottom],
      [2 - left, 2 - right],
      [0, 0],
    ],
  );
  const sameSize = transposed.outHeight === info.inHeight && transposed.outWidth === info.inWidth;
  return sameSize && usesWinograd(transposed) ? transposed : undefined;
}

/** dx by Winograd's F(4×4, 3×3): the forward convolution of dy with the flipped filter. */
function inputGradientWinograd(
  simd: SimdKernels,
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  transposedConv: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const flipped = backend.makeOutput([3, 3, info.outChannels, info.inChannels], 'float32');
  flipFilter(backend, filter, flipped, info);
  const dx = backend.makeOutput([...info.inShape], 'float32');
  conv2DWinograd(simd, backend, dy, flipped, dx, transposedConv);
  backend.disposeData(flipped.dataId);
  return dx;
}

/** Replaces tfjs-backend-wasm 4.22's Conv2DBackpropInput (correct, but a slow plain loop). */
export const conv2DBackpropInputConfig = defineWasmKernel(
  tf.Conv2DBackpropInput,
  conv2DBackpropInput,
);
