import type * as tf from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { padNhwc } from './pad-for-taps.js';

/** Tiles per chunk in assembly/conv2d-winograd.ts (its `chunkTiles`). */
const chunkTiles = 15;

/** The outputs on each side of a tile of the forward kernel, F(4×4, 3×3). */
const forwardTile = 4;

/**
 * Parts (each with its own scratch slot) a Winograd convolution is cut into: more than the
 * threads, so that an odd thread count still gets nearly equal shares; each slot is
 * 36·chunkTiles·(inC + 16) floats (311 KB at inC 128).
 */
const maxParts = 32;

/**
 * Whether Conv2D runs by Winograd's F(4×4, 3×3) ({@link conv2DWinograd}): 3×3 filters at stride
 * and dilation 1 with input and output channels multiples of 4 (the 3×3 convolutions of
 * AirbenchNet and ResNet-9), where it needs 4 times fewer multiply-adds than direct convolution.
 */
export function usesWinograd(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 4 === 0
  );
}

/** The `size` × `size` output blocks of a convolution, partial ones at the edges included. */
export function tileCount(info: tf.backend_util.Conv2DInfo, size: number): number {
  return info.batchSize * Math.ceil(info.outHeight / size) * Math.ceil(info.outWidth / size);
}

/**
 * The NHWC input with the convolution's own top and left padding and zeros below and to the
 * right up to whole `size` × `size` output blocks (the (size + 2)-pixel patch of the last block
 * reaches 2 rows past it), as the Winograd kernels read it; undefined when x needs none. The
 * caller disposes it.
 */
export function padForTiles(
  backend: WasmBackend,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  size: number,
): tf.TensorInfo | undefined {
  const { top, left } = info.padInfo;
  const rows = size * Math.ceil(info.outHeight / size) + 2;
  const columns = size * Math.ceil(info.outWidth / size) + 2;
  const bottom = Math.max(0, rows - top - info.inHeight);
  const right = Math.max(0, columns - left - info.inWidth);
  if (top + bottom + left + right === 0) return undefined;
  return padNhwc(backend, x, { top, bottom, left, right });
}

/**
 * Conv2D (NHWC, float32, {@link usesWinograd}'s shapes) into `out`: x padded with the
 * convolution's own top and left padding and with enough bottom rows and right columns for whole
 * 4×4 output tiles, the filter transformed once per call, then the tiles.
 */
export function conv2DWinograd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  out: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const tiles = tileCount(info, forwardTile);
  if (tiles === 0) return; // out is empty
  const padded = padForTiles(backend, x, info, forwardTile);
  const xp = padded ?? x;
  const transformed = backend.makeOutput([36, inChannels, outChannels], 'float32');
  simd.winogradFilter(
    {
      w: heapOffset(backend, filter),
      u: heapOffset(backend, transformed),
      inC: inChannels,
      outC: outChannels,
    },
    { parts: inChannels, work: 36 * inChannels * outChannels },
  );
  const parts = Math.min(maxParts, Math.ceil(tiles / chunkTiles));
  const tilesPerPart = Math.ceil(tiles / parts);
  const slotFloats = 36 * chunkTiles * (inChannels + 16);
  const scratch = backend.makeOutput([parts * slotFloats], 'float32');
  const [, xRows = 0, xCols = 0] = xp.shape;
  simd.conv2dWinograd(
    {
      xp: heapOffset(backend, xp),
      u: heapOffset(backend, transformed),
      out: heapOffset(backend, out),
      scratch: heapOffset(backend, scratch),
      batch: batchSize,
      inC: inChannels,
      outC: outChannels,
      xRows,
      xCols,
      outH: outHeight,
      outW: outWidth,
      tilesPerPart,
    },
    { parts: Math.ceil(tiles / tilesPerPart), work: 36 * tiles * inChannels * outChannels },
  );
  backend.disposeData(scratch.dataId);
  backend.disposeData(transformed.dataId);
  if (padded != null) backend.disposeData(padded.dataId);
}
