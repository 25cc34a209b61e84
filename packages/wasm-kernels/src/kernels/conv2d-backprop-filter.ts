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
 * dW[fh, fw, ci, co] = Σ over batch, output row oh and column ow of
 * x[b, oh·strideH − padTop + fh·dilationH, ow·strideW − padLeft + fw·dilationW, ci] · dy[b, oh, ow, co].
 *
 * Reads x and dy straight from the wasm heap and loops in JS. The innermost loop runs over
 * output channels, which are contiguous in both dy (NHWC) and dW, and zero inputs (common after
 * relu) are skipped. Sums are kept in float64 and rounded once at the end.
 */
export function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendInternals;
  const { x, dy } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs & {
    x: tf.TensorInfo;
    dy: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterKernelAttrs;
  const { strides, pad, dataFormat = 'NHWC', dimRoundingMode, filterShape } = attrs;
  const dilations = attrs.dilations ?? 1;
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
    dilations,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    filterHeight,
    filterWidth,
  } = info;
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
