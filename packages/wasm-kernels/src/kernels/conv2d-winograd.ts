import type * as tf from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { heapOffset, type WasmBackend } from '../wasm-backend-internals.js';

/** Tiles per chunk in assembly/conv2d-winograd.ts (its `chunkTiles`). */
const chunkTiles = 15;

/** The outputs on each side of a tile of the forward kernel, F(4×4, 3×3). */
const forwardTile = 4;

/**
 * Parts (each with its own scratch slot) a Winograd convolution is cut into: more than the
 * threads, so that an odd thread count still gets nearly equal shares; each slot is
 * 36·chunkTiles·(inC + 16) + 36·inC floats (329 KB at inC 128).
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
 * Conv2D (NHWC, float32, {@link usesWinograd}'s shapes) into `out`: the filter transformed once
 * per call, then the tiles, each reading its 6×6 input patch with the convolution's zero
 * padding around x's edges (no padded copy of x).
 */
export function conv2DWinograd(
  simd: SimdKernels,
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  out: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth, outChannels } = info;
  const tiles = tileCount(info, forwardTile);
  if (tiles === 0) return; // out is empty
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
  const slotFloats = 36 * chunkTiles * (inChannels + 16) + 36 * inChannels;
  const scratch = backend.makeOutput([parts * slotFloats], 'float32');
  simd.conv2dWinograd(
    {
      x: heapOffset(backend, x),
      u: heapOffset(backend, transformed),
      out: heapOffset(backend, out),
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
    { parts: Math.ceil(tiles / tilesPerPart), work: 36 * tiles * inChannels * outChannels },
  );
  backend.disposeData(scratch.dataId);
  backend.disposeData(transformed.dataId);
}
