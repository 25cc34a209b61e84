import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from '../wasm-backend-internals.js';

/**
 * tfjs's public attributes, plus `dilations`: tfjs never passes it (conv2d's gradient refuses
 * dilations > 1) but the formula is the same, so the kernel honours it when given.
 */
type Conv2DBackpropFilterKernelAttrs = tf.Conv2DBackpropFilterAttrs & {
  dilations?: [number, number] | number;
};

/**
 * The im2col matrix is built on the wasm heap a few images at a time; `maxElements` bounds it
 * (16 Mi floats = 64 MiB) so large inputs do not exhaust wasm memory. Not exported from the
 * package; tests lower it to exercise the chunked path on small inputs.
 */
export const im2ColLimits = { maxElements: 16 * 1024 * 1024 };

/**
 * dW[fh, fw, ci, co] = Σ over batch b, output row oh and column ow of
 * x[b, oh·strideH − padTop + fh·dilationH, ow·strideW − padLeft + fw·dilationW, ci] · dy[b, oh, ow, co].
 *
 * NHWC: written as im2col — each output position's receptive field becomes a column of a
 * matrix `col` [fh·fw·inChannels, positions] whose rows follow dW's order — then dW = col · dy,
 * run by the wasm
 * backend's own BatchMatMul (XNNPACK), several times faster than a JS loop. NCHW, which
 * nothing in cnnkit uses, takes a plain JS loop.
 */
export function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendInternals;
  const { x, dy } = args.inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterKernelAttrs;
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
  return info.dataFormat === 'channelsLast'
    ? im2ColBackpropFilter(backend, x, dy, info)
    : directBackpropFilter(backend, x, dy, info);
}

function im2ColBackpropFilter(
  backend: WasmBackendInternals,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const positionsPerImage = outHeight * outWidth;
  const rowLength = filterHeight * filterWidth * inChannels;
  const imagesPerChunk = Math.max(
    1,
    Math.min(
      batchSize,
      Math.floor(im2ColLimits.maxElements / Math.max(1, positionsPerImage * rowLength)),
    ),
  );
  const batchMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (batchMatMul == null) throw new Error("The 'wasm' backend has no BatchMatMul kernel.");
  const filterSize = rowLength * outChannels;
  const sums = imagesPerChunk < batchSize ? new Float64Array(filterSize) : undefined;

  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, batchSize - first);
    const positions = images * positionsPerImage;
    const col = backend.makeOutput([rowLength, positions], 'float32');
    // A single chunk can use dy as is; otherwise its rows for these images are copied out.
    const dyChunk: tf.TensorInfo =
      sums == null
        ? { dataId: dy.dataId, shape: [positions, outChannels], dtype: 'float32' }
        : backend.makeOutput([positions, outChannels], 'float32');
    // makeOutput may grow wasm memory, which detaches earlier heap views: take views after it.
    const xValues = backend.typedArrayFromHeap(x) as Float32Array;
    const colValues = backend.typedArrayFromHeap(col) as Float32Array;
    if (sums != null) {
      const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
      const start = first * positionsPerImage * outChannels;
      (backend.typedArrayFromHeap(dyChunk) as Float32Array).set(
        dyValues.subarray(start, start + positions * outChannels),
      );
    }

    // col is stored transposed, [fh·fw·inChannels, positions], so the product below needs
    // no transpose: the wasm BatchMatMul only takes its fast XNNPACK path without one.
    for (let fh = 0; fh < filterHeight; fh++) {
      for (let fw = 0; fw < filterWidth; fw++) {
        const firstRow = (fh * filterWidth + fw) * inChannels * positions;
        let position = 0;
        for (let b = first; b < first + images; b++) {
          const xImage = b * inHeight * inWidth * inChannels;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight - padTop + fh * dilationHeight;
            const rowInside = ih >= 0 && ih < inHeight;
            const xRow = xImage + ih * inWidth * inChannels;
            for (let ow = 0; ow < outWidth; ow++, position++) {
              const iw = ow * strideWidth - padLeft + fw * dilationWidth;
              let to = firstRow + position;
              if (rowInside && iw >= 0 && iw < inWidth) {
                const from = xRow + iw * inChannels;
                for (let c = 0; c < inChannels; c++, to += positions) {
                  colValues[to] = xValues[from + c] as number;
                }
              } else {
                // Padding; wasm heap memory is not zeroed, so it must be written.
                for (let c = 0; c < inChannels; c++, to += positions) colValues[to] = 0;
              }
            }
          }
        }
      }
    }

    const product = batchMatMul.kernelFunc({
      inputs: { a: col, b: dyChunk },
      attrs: { transposeA: false, transposeB: false },
      backend: backend as unknown as tf.KernelBackend,
    }) as tf.TensorInfo;
    backend.disposeData(col.dataId);
    if (sums == null) {
      // [fh·fw·inChannels, outChannels] is already dW's memory layout.
      return { dataId: product.dataId, shape: [...info.filterShape], dtype: 'float32' };
    }
    backend.disposeData(dyChunk.dataId);
    const productValues = backend.typedArrayFromHeap(product) as Float32Array;
    for (let i = 0; i < filterSize; i++)
      sums[i] = (sums[i] as number) + (productValues[i] as number);
    backend.disposeData(product.dataId);
  }

  const dw = backend.makeOutput([...info.filterShape], 'float32');
  (backend.typedArrayFromHeap(dw) as Float32Array).set(sums as Float64Array);
  return dw;
}

/** The same sum as a JS loop over either layout; sums are kept in float64. */
function directBackpropFilter(
  backend: WasmBackendInternals,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const channelsLast = info.dataFormat === 'channelsLast';

  // Element strides of x and dy for (batch, row, column, channel) in either layout.
  const xBatch = inHeight * inWidth * inChannels;
  const xRow = channelsLast ? inWidth * inChannels : inWidth;
  const xCol = channelsLast ? inChannels : 1;
  const xChan = channelsLast ? 1 : inHeight * inWidth;
  const dyBatch = outHeight * outWidth * outChannels;
  const dyRow = channelsLast ? outWidth * outChannels : outWidth;
  const dyCol = channelsLast ? outChannels : 1;
  const dyChan = channelsLast ? 1 : outHeight * outWidth;

  const xValues = backend.typedArrayFromHeap(x) as Float32Array;
  const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
  const sums = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);

  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const ihBase = oh * strideHeight - padTop;
      const dyRowBase = b * dyBatch + oh * dyRow;
      for (let fh = 0; fh < filterHeight; fh++) {
        const ih = ihBase + fh * dilationHeight;
        if (ih < 0 || ih >= inHeight) continue;
        const xRowBase = b * xBatch + ih * xRow;
        for (let ow = 0; ow < outWidth; ow++) {
          const iwBase = ow * strideWidth - padLeft;
          const dyBase = dyRowBase + ow * dyCol;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = iwBase + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = xRowBase + iw * xCol;
            let sumBase = (fh * filterWidth + fw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++, sumBase += outChannels) {
              const xValue = xValues[xBase + ci * xChan] as number;
              if (xValue === 0) continue;
              for (let co = 0; co < outChannels; co++) {
                const k = sumBase + co;
                sums[k] = (sums[k] as number) + xValue * (dyValues[dyBase + co * dyChan] as number);
              }
            }
          }
        }
      }
    }
  }

  const dw = backend.makeOutput([...info.filterShape], 'float32');
  // makeOutput may grow wasm memory, which detaches earlier heap views: take a fresh one.
  (backend.typedArrayFromHeap(dw) as Float32Array).set(sums);
  return dw;
}

/** Registers with `tf.registerKernel`; tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
