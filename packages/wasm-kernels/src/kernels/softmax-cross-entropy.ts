import { softmaxCrossEntropyKernel } from '@cnnkit/contracts';
import type * as tf from '@tensorflow/tfjs-core';
import { heapFloat32, type WasmBackend } from '../wasm-backend-internals.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';

const softmaxCrossEntropyKernelName = softmaxCrossEntropyKernel.kernelName;

/**
 * Inputs `logits` (float32 [batch, classes]) and `labels` (int32 [batch]); outputs the mean
 * cross-entropy −mean_b log(softmax(logits_b)[labels_b]) and its gradient
 * (softmax(logits) − oneHot(labels)) / batch. A label outside [0, classes) has an all-zero
 * one-hot row, as `tf.oneHot` gives. Computed in double precision with the maximum subtracted
 * first, so huge logits do not overflow; a NaN logit makes its row and the loss NaN. The few
 * values (batch × classes) make plain JavaScript on the heap views the fastest way.
 */
export function softmaxCrossEntropy(args: {
  readonly inputs: { readonly logits?: tf.TensorInfo; readonly labels?: tf.TensorInfo };
  readonly backend: WasmBackend;
}): tf.TensorInfo[] {
  const { backend } = args;
  const { logits, labels } = args.inputs;
  if (logits == null || logits.dtype !== 'float32' || logits.shape.length !== 2) {
    throw new Error(
      `${softmaxCrossEntropyKernelName}: logits must be float32 [batch, classes], got ${logits?.dtype} [${logits?.shape}].`,
    );
  }
  const [batch = 0, classes = 0] = logits.shape;
  if (labels == null || labels.dtype !== 'int32' || labels.shape.join() !== String(batch)) {
    throw new Error(
      `${softmaxCrossEntropyKernelName}: labels must be int32 [${batch}], got ${labels?.dtype} [${labels?.shape}].`,
    );
  }
  const loss = backend.makeOutput([], 'float32');
  const gradient = backend.makeOutput([batch, classes], 'float32');
  // Views after every allocation: the heap may have grown, which detaches older views.
  const x = heapFloat32(backend, logits);
  const y = backend.typedArrayFromHeap(labels) as Int32Array;
  const g = heapFloat32(backend, gradient);
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, x[row + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp((x[row + c] as number) - max);
      g[row + c] = e;
      sum += e;
    }
    const label = y[b] as number;
    const inRange = label >= 0 && label < classes;
    if (inRange) total += Math.log(sum) + max - (x[row + label] as number);
    for (let c = 0; c < classes; c++) {
      g[row + c] = ((g[row + c] as number) / sum - (inRange && c === label ? 1 : 0)) / batch;
    }
  }
  heapFloat32(backend, loss)[0] = total / batch;
  return [loss, gradient];
}

/** The fused loss of `@cnnkit/contracts` (used by `@cnnkit/trainer`'s crossEntropyLoss). */
export const softmaxCrossEntropyConfig = defineWasmFusedKernel(
  softmaxCrossEntropyKernel,
  softmaxCrossEntropy,
);
