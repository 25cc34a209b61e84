import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../wasm-backend-internals.js';
import { wasmKernelFunc } from './wasm-kernel-func.js';

/**
 * An NHWC input with a convolution's padding made explicit (PadV2 with zeros), for kernels that
 * read every tap's input without bounds checks; undefined when the convolution needs none. Only
 * the rows and columns the taps reach from the top-left corner are added: padding beyond them
 * is left out, and rows the taps never reach are not cut off (a 'valid' convolution of the
 * result still has outHeight × outWidth outputs). The caller disposes it.
 */
export function padForTaps(
  backend: WasmBackend,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const rows = (outHeight - 1) * strideHeight + (filterHeight - 1) * dilationHeight + 1;
  const cols = (outWidth - 1) * strideWidth + (filterWidth - 1) * dilationWidth + 1;
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, rows - top - inHeight);
  const right = Math.max(0, cols - left - inWidth);
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
