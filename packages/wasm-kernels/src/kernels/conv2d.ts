import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { conv2DWinograd, usesWinograd } from './conv2d-winograd.js';
import { defineWasmKernel, type WasmKernelArgs } from './define-wasm-kernel.js';
import { runOriginalKernel } from './original-kernels.js';
import { padForTaps } from './pad-for-taps.js';
import { wasmKernelFunc } from './wasm-kernel-func.js';

/**
 * Conv2D (forward) for float32 input, any stride, dilation, padding and data format, in the
 * SIMD module: out[b, oh, ow, co] = Σ x[b, oh·sH − top + fh·dH, ow·sW − left + fw·dW, ci] ·
 * W[fh, fw, ci, co] over fh, fw, ci, with x zero outside the image.
 *
 * XNNPACK, which the wasm backend uses, runs 3–5 GMAC/s on the few channels of a small CNN;
 * register tiles over neighbouring output pixels and output channels, with fused multiply-adds
 * where the engine has relaxed SIMD, do better; 3×3 filters at stride 1 (residual nets) go by
 * Winograd's F(4×4, 3×3), 4 times fewer multiply-adds, reading x in place (tiles at the edges
 * gather their patch with zeros around it). Otherwise padding is made explicit in a copy of x
 * (PadV2); a filter whose output channels are not a multiple of 4 is copied with zero columns
 * up to one. NCHW is transposed to NHWC and back (the backend's own Conv2D refuses it). Without
 * the SIMD module the padded input goes to the backend's Conv2D as 'valid', which also fixes its
 * wrong results for `dimRoundingMode: 'ceil'`.
 */
export function conv2D(args: WasmKernelArgs<tf.Conv2DInputs, tf.Conv2DAttrs>): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, filter } = inputs;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runOriginalKernel(tf.Conv2D, args);
  }
  if ((attrs.dataFormat ?? 'NHWC') === 'NHWC') return conv2DChannelsLast(backend, x, filter, attrs);
  const transpose = wasmKernelFunc<tf.TransposeInputs, tf.TransposeAttrs>(tf.Transpose);
  const xNhwc = transpose({ inputs: { x }, attrs: { perm: [0, 2, 3, 1] }, backend });
  // Explicit padding lists the axes in the data format's order.
  const { pad } = attrs;
  const padNhwc = Array.isArray(pad) ? [pad[0], pad[2], pad[3], pad[1]] : pad;
  const outNhwc = conv2DChannelsLast(backend, xNhwc, filter, {
    ...attrs,
    pad: padNhwc as tf.Conv2DAttrs['pad'],
  });
  backend.disposeData(xNhwc.dataId);
  const out = transpose({ inputs: { x: outNhwc }, attrs: { perm: [0, 3, 1, 2] }, backend });
  backend.disposeData(outNhwc.dataId);
  return out;
}

function conv2DChannelsLast(
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.Conv2DAttrs,
): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  if (batchSize * outHeight * outWidth * outChannels === 0) {
    return backend.makeOutput([...info.outShape], 'float32');
  }

  const simd = simdKernelsFor(backend);
  if (simd != null && usesWinograd(info)) {
    const out = backend.makeOutput([...info.outShape], 'float32');
    conv2DWinograd(simd, backend, x, filter, out, info);
    return out;
  }
  const padded = padForTaps(backend, x, info);
  const input = padded ?? x;

  if (simd == null) {
    const out = runOriginalKernel(tf.Conv2D, {
      inputs: { x: input, filter },
      attrs: {
        strides: [strideHeight, strideWidth],
        dilations: [dilationHeight, dilationWidth],
        pad: 'valid',
        dataFormat: 'NHWC',
      },
      backend,
    });
    if (padded != null) backend.disposeData(padded.dataId);
    return out;
  }

  const out = backend.makeOutput([...info.outShape], 'float32');
  const outChannelsPadded = Math.ceil(outChannels / 4) * 4;
  const widened =
    outChannelsPadded === outChannels
      ? undefined
      : backend.makeOutput([filterHeight, filterWidth, inChannels, outChannelsPadded], 'float32');
  if (widened != null) {
    // After every allocation: the heap may have grown, which detaches older views.
    const from = heapFloat32(backend, filter);
    const to = heapFloat32(backend, widened);
    to.fill(0);
    for (let row = 0; row < from.length / outChannels; row++) {
      to.set(from.subarray(row * outChannels, (row + 1) * outChannels), row * outChannelsPadded);
    }
  }
  simd.conv2dForward(
    {
      x: heapOffset(backend, input),
      w: heapOffset(backend, widened ?? filter),
      out: heapOffset(backend, out),
      xRows: input.shape[1] ?? 0,
      xCols: input.shape[2] ?? 0,
      inC: inChannels,
      outH: outHeight,
      outW: outWidth,
      outC: outChannels,
      filterH: filterHeight,
      filterW: filterWidth,
      strideH: strideHeight,
      strideW: strideWidth,
      dilationH: dilationHeight,
      dilationW: dilationWidth,
    },
    {
      parts: batchSize * outHeight,
      work:
        batchSize * outHeight * outWidth * outChannels * filterHeight * filterWidth * inChannels,
    },
  );
  if (padded != null) backend.disposeData(padded.dataId);
  if (widened != null) backend.disposeData(widened.dataId);
  return out;
}

/** Registers with `tf.registerKernel`, replacing tfjs-backend-wasm's XNNPACK Conv2D. */
export const conv2DConfig = defineWasmKernel(tf.Conv2D, conv2D);
