import type * as tf from '@tensorflow/tfjs-core';

/**
 * A new tensor on x's data, its reference counted: tfjs tensors are immutable, so sharing is
 * safe (as for Reshape).
 */
export function shareData(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
