import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../wasm-backend-internals.js';
import { wasmKernelFunc } from './wasm-kernel-func.js';

/** Zero rows and columns on each side of a convolution's input, as {@link tapPadding} gives. */
export interface TapPadding {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * The padding that puts every input row and column a convolution's taps reach inside the
 * input: its own top and left, and bottom and right up to the last tap (never negative, so
 * rows the taps never reach are not cut off). Layout-free: it reads only `info`'s sizes.
 */
export function tapPadding(info: tf.backend_util.Conv2DInfo): TapPadding {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const rows = (outHeight - 1) * strideHeight + (filterHeight - 1) * dilationHeight + 1;
  const cols = (outWidth - 1) * strideWidth + (filterWidth - 1) * dilationWidth + 1;
  const { top, left } = info.padInfo;
  return {
    top,
    bottom: Math.max(0, rows - top - inHeight),
    left,
    right: Math.max(0, cols - left - inWidth),
  };
}

/**
 * An NHWC input with a convolution's {@link tapPadding} made explicit (PadV2 with zeros), for
 * kernels that read every tap's input without bounds checks; undefined when the convolution
 * needs none (a 'valid' convolution of the result still has outHeight × outWidth outputs).
 * The caller disposes it.
 */
export function padForTaps(
  backend: WasmBackend,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const { top, bottom, left, right } = tapPadding(info);
  if (top <= 0 && left <= 0 && bottom <= 0 && right <= 0) return undefined;
  return wasmKernelFunc<tf.PadV2Inputs, tf.PadV2Attrs>(tf.PadV2)({
    inputs: { x },
    attrs: {
      paddings: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      constantValue: 0,
    },
    backend,
  });
}
