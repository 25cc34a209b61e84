import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether a reduction of `shape` over `axis` reduces every axis but the last (a bias gradient,
 * a BatchNorm statistic of NHWC maps): the column sums of a rows × channels matrix.
 */
export function reducesLeadingAxes(shape: readonly number[], axis: number | number[]): boolean {
  const rank = shape.length;
  const axes = tf.util.parseAxisParam(axis, [...shape]).sort((p, q) => p - q);
  return rank >= 2 && axes.length === rank - 1 && axes.every((value, i) => value === i);
}
