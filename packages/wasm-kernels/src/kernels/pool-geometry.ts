import * as tf from '@tensorflow/tfjs-core';
import type { MaxPoolArgs } from '../simd/simd-kernel-bindings.generated.js';

/**
 * A max pool's shapes and window as the SIMD pooling kernels take them (NHWC, no dilation): the
 * generated binding's arguments but the pointers, and the batch size.
 */
export type PoolGeometry = Omit<MaxPoolArgs, 'x' | 'out'> & { readonly batchSize: number };

/** The geometry of a MaxPool (or its gradient) on `xShape`, from tfjs's own pooling info. */
export function poolGeometry(
  xShape: readonly number[],
  attrs: Pick<tf.MaxPoolAttrs, 'filterSize' | 'strides' | 'pad' | 'dimRoundingMode'>,
): PoolGeometry {
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    batchSize: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    channels: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
