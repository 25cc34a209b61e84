import * as tf from '@tensorflow/tfjs-core';
import { type SimdKernels, simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { tileCount, usesWinograd } from './conv2d-winograd.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { padForTaps, tapPadding } from './pad-for-taps.js';
import { wasmKernelFunc } from './wasm-kernel-func.js';

/**
 * tfjs's public attributes, plus `dilations`: tfjs never passes it (conv2d's gradient refuses
 * dilations > 1) but the formula is the same, so the kernel honours it when given.
 */
type Conv2DBackpropFilterKernelAttrs = tf.Conv2DBackpropFilterAttrs & {
  dilations?: [number, number] | number;
};

/**
 * Axis orders that turn x into [inChannels, height, width, batch] and dy into
 * [outHeight, outWidth, batch, outChannels], from either data format.
 */
const transposes = {
  channelsLast: { x: [3, 1, 2, 0], dy: [1, 2, 0, 3] },
  channelsFirst: { x: [1, 2, 3, 0], dy: [2, 3, 0, 1] },
} as const;

/**
 * dW[fh, fw, ci, co] = Σ over batch b, output row oh and column ow of
 * x[b, oh·strideH − padTop + fh·dilationH, ow·strideW − padLeft + fw·dilationW, ci]
 *   · dy[b, oh, ow, co].
 *
 * That sum is itself a convolution, which the wasm backend runs fast (XNNPACK, with no im2col
 * copy): the batch becomes the channels being summed, x's channels become the batch, dy is the
 * filter, and the original stride and dilation swap roles. So x is transposed to
 * [inChannels, H, W, batch] and dy to [outH, outW, batch, outChannels] (from either layout),
 * convolved to [inChannels, ≥filterH, ≥filterW, outChannels], and the filter-sized corner of
 * that is copied out in dW's [filterH, filterW, inChannels, outChannels] order. With the SIMD
 * module, stride-1 NHWC runs in its own kernels instead: by Winograd's F(3×3, 4×4) for 3×3
 * filters, as channel tiles for many channels, over planar rows otherwise.
 */
export function conv2DBackpropFilter({
  inputs: { x, dy },
  attrs,
  backend,
}: WasmKernelArgs<tf.Conv2DBackpropFilterInputs, Conv2DBackpropFilterKernelAttrs>): tf.TensorInfo {
  const { strides, pad, dataFormat = 'NHWC', dimRoundingMode, filterShape } = attrs;
  for (const [name, tensor] of [
    ['x', x],
    ['dy', dy],
  ] as const) {
    if (tensor.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter on wasm needs float32 ${name}, got ${tensor.dtype}.`);
    }
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    attrs.dilations ?? 1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;

  const dw = backend.makeOutput([...info.filterShape], 'float32');
  if (outHeight === 0 || outWidth === 0 || info.batchSize === 0) {
    heapFloat32(backend, dw).fill(0);
    return dw;
  }

  const simd = simdKernelsFor(backend);
  if (
    simd != null &&
    strideHeight === 1 &&
    strideWidth === 1 &&
    info.dataFormat === 'channelsLast'
  ) {
    if (usesWinograd(info)) filterGradientWinograd(simd, backend, x, dy, dw, info);
    else if (usesChannelTiles(info)) filterGradientNhwc(simd, backend, x, dy, dw, info);
    else filterGradientSimd(simd, backend, x, dy, dw, info);
    return dw;
  }

  const transpose = wasmKernelFunc<tf.TransposeInputs, tf.TransposeAttrs>(tf.Transpose);
  const conv2d = wasmKernelFunc<tf.Conv2DInputs, tf.Conv2DAttrs>(tf.Conv2D);
  const perms = transposes[info.dataFormat];
  const xT = transpose({ inputs: { x }, attrs: { perm: [...perms.x] }, backend });
  const dyT = transpose({ inputs: { x: dy }, attrs: { perm: [...perms.dy] }, backend });
  // Where the forward pass never reached the input's end, the bottom/right padding that keeps
  // every tap inside gives the result extra rows/columns, which the copy below drops.
  const { top, bottom, left, right } = tapPadding(info);
  const sums = conv2d({
    inputs: { x: xT, filter: dyT },
    attrs: {
      strides: [dilationHeight, dilationWidth],
      dilations: [strideHeight, strideWidth],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
    backend,
  });
  backend.disposeData(xT.dataId);
  backend.disposeData(dyT.dataId);

  // sums is [inChannels, sumsHeight ≥ filterHeight, sumsWidth ≥ filterWidth, outChannels].
  const [, sumsHeight = 0, sumsWidth = 0] = sums.shape;
  const from = heapFloat32(backend, sums);
  const to = heapFloat32(backend, dw);
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      for (let ci = 0; ci < inChannels; ci++) {
        const source = ((ci * sumsHeight + fh) * sumsWidth + fw) * outChannels;
        to.set(
          from.subarray(source, source + outChannels),
          ((fh * filterWidth + fw) * inChannels + ci) * outChannels,
        );
      }
    }
  }
  backend.disposeData(sums.dataId);
  return dw;
}

/**
 * The stride-1 NHWC case (every conv2d of a typical CNN) with the SIMD module: x and dy are
 * copied to zero-padded planar layouts ([batch, channels, rows, columns], dy's width rounded up
 * to whole vectors of 4), so each filter tap's sum over output columns is a run of SIMD
 * multiply-adds over contiguous memory.
 */
function filterGradientSimd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  dw: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const dyCols = Math.ceil(outWidth / 4) * 4;
  const xRows = outHeight + (filterHeight - 1) * dilationHeight;
  const xCols = dyCols + (filterWidth - 1) * dilationWidth;
  const xp = backend.makeOutput([batchSize, inChannels, xRows, xCols], 'float32');
  const dyp = backend.makeOutput([batchSize, outChannels, outHeight, dyCols], 'float32');
  simd.toPaddedPlanar(
    {
      src: heapOffset(backend, x),
      planar: heapOffset(backend, xp),
      height: inHeight,
      width: inWidth,
      channels: inChannels,
      rows: xRows,
      cols: xCols,
      top: info.padInfo.top,
      left: info.padInfo.left,
    },
    { parts: batchSize, work: batchSize * inChannels * xRows * xCols },
  );
  simd.toPaddedPlanar(
    {
      src: heapOffset(backend, dy),
      planar: heapOffset(backend, dyp),
      height: outHeight,
      width: outWidth,
      channels: outChannels,
      rows: outHeight,
      cols: dyCols,
      top: 0,
      left: 0,
    },
    { parts: batchSize, work: batchSize * outChannels * outHeight * dyCols },
  );
  simd.conv2dFilterGrad(
    {
      xp: heapOffset(backend, xp),
      dyp: heapOffset(backend, dyp),
      dw: heapOffset(backend, dw),
      batch: batchSize,
      inC: inChannels,
      outC: outChannels,
      xRows,
      xCols,
      outH: outHeight,
      dyCols,
      filterH: filterHeight,
      filterW: filterWidth,
      dilationH: dilationHeight,
      dilationW: dilationWidth,
    },
    {
      parts: inChannels * filterHeight * Math.ceil(outChannels / 2),
      work: batchSize * outHeight * dyCols * filterHeight * filterWidth * inChannels * outChannels,
    },
  );
  backend.disposeData(xp.dataId);
  backend.disposeData(dyp.dataId);
}

/** Tiles per chunk in assembly/conv2d-filter-grad-winograd.ts (its `chunkTiles`). */
const winogradChunkTiles = 30;

/** The dy pixels on each side of a tile of the filter gradient, F(3×3, 4×4). */
const winogradTile = 4;

/**
 * Parts of a Winograd filter gradient, each summing its tiles into its own 36·inC·outC floats
 * (2.4 MB at 128 channels) that a second kernel adds up in part order: enough for even shares
 * on up to 8 threads, few enough that the sums stay small.
 */
const winogradMaxParts = 8;

/**
 * Bytes all parts' sums may take together: 8 parts up to 256 channels, 2 at ResNet-9's 512
 * (whose sums are 38 MB a part), so the scratch stays far below wasm's 4 GB.
 */
const winogradSumsBytes = 96 * 1024 * 1024;

/**
 * The filter gradient of 3×3 stride-1 convolutions by Winograd's F(3×3, 4×4): each part's sums
 * over its tiles (reading x's patches with the zero padding around its edges, as the forward
 * does), then their sum and the output transform per input channel.
 */
function filterGradientWinograd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  dw: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth, outChannels } = info;
  const tiles = tileCount(info, winogradTile);
  const partsBySize = Math.min(
    winogradMaxParts,
    Math.max(1, Math.floor(winogradSumsBytes / (4 * 36 * inChannels * outChannels))),
  );
  const tilesPerPart = Math.ceil(
    tiles / Math.min(partsBySize, Math.ceil(tiles / winogradChunkTiles)),
  );
  const parts = Math.ceil(tiles / tilesPerPart);
  const slotFloats =
    36 * inChannels * outChannels +
    36 * winogradChunkTiles * (inChannels + outChannels) +
    36 * inChannels;
  const scratch = backend.makeOutput([parts * slotFloats], 'float32');
  simd.winogradFilterGradParts(
    {
      x: heapOffset(backend, x),
      dy: heapOffset(backend, dy),
      scratch: heapOffset(backend, scratch),
      batch: batchSize,
      inC: inChannels,
      outC: outChannels,
      inH: inHeight,
      inW: inWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      outH: outHeight,
      outW: outWidth,
      tilesPerPart,
    },
    { parts, work: 36 * tiles * inChannels * outChannels },
  );
  simd.winogradFilterGradSum(
    {
      scratch: heapOffset(backend, scratch),
      dw: heapOffset(backend, dw),
      parts,
      inC: inChannels,
      outC: outChannels,
    },
    { parts: inChannels, work: 36 * parts * inChannels * outChannels },
  );
  backend.disposeData(scratch.dataId);
}

/**
 * Whether the stride-1 NHWC filter gradient runs as channel tiles (a matrix product per filter
 * tap, {@link filterGradientNhwc}) rather than over planar rows: for layers with many channels
 * (3×3 convolutions of residual nets), where one dy vector is shared by 16 input·output channel
 * products instead of a row of filter taps. SimpleCNN's layers (3 and 6 input channels, 6
 * output channels) keep the planar kernel.
 */
function usesChannelTiles(info: tf.backend_util.Conv2DInfo): boolean {
  return info.inChannels >= 16 && info.outChannels % 4 === 0;
}

/**
 * dy floats per block of output rows (16 KB): the block and the input rows under it stay in a
 * 32 KB L1 data cache while every tap and channel tile reads them. Measured at AirbenchNet's
 * shapes, 1 K–64 K floats: 4 K was fastest, 16 K 25 % and 64 K 60 % slower.
 */
const dyBlockFloats = 4096;

/**
 * The stride-1 NHWC case with many channels: x is padded (PadV2) so every tap reads whole input
 * rows, and dy is used as it is.
 */
function filterGradientNhwc(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  dw: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const padded = padForTaps(backend, x, info);
  const xp = padded ?? x;
  const [, xRows = 0, xCols = 0] = xp.shape;
  simd.conv2dFilterGradNhwc(
    {
      xp: heapOffset(backend, xp),
      dy: heapOffset(backend, dy),
      dw: heapOffset(backend, dw),
      batch: batchSize,
      inC: inChannels,
      outC: outChannels,
      xRows,
      xCols,
      outH: outHeight,
      outW: outWidth,
      filterW: filterWidth,
      dilationH: dilationHeight,
      dilationW: dilationWidth,
      blockRows: Math.max(1, Math.floor(dyBlockFloats / (outWidth * outChannels))),
    },
    {
      parts: filterHeight * filterWidth * Math.ceil(inChannels / 2),
      work:
        batchSize * outHeight * outWidth * filterHeight * filterWidth * inChannels * outChannels,
    },
  );
  if (padded != null) backend.disposeData(padded.dataId);
}

/** Registers with `tf.registerKernel`; tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter. */
export const conv2DBackpropFilterConfig = defineWasmKernel(
  tf.Conv2DBackpropFilter,
  conv2DBackpropFilter,
);
