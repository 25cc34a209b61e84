import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { kernelPoolFor } from '../simd/simd-kernels.js';
import { kernelThreads, resizeKernelThreads } from '../threads/kernel-threads.js';

/** The bits of float32 values (NaN payloads and signed zeros included). */
function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/**
 * Runs `run` on 1 thread, then on 2 threads with its split kernels divided between them
 * (`useWasmWithTrainingKernels` makes every call divisible), checking that neither run leaves
 * tensors or heap buffers behind, that the 2-thread run divided at least `minDivided` calls,
 * and that both give the same bits. Restores 2 threads.
 */
export async function expectSameBitsOnOneAndTwoThreads(
  run: () => Float32Array[],
  minDivided = 1,
): Promise<void> {
  const leakFree = () => {
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const result = run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    return result;
  };
  expect(await resizeKernelThreads(1)).toBe(1);
  const one = leakFree();
  expect(await resizeKernelThreads(2)).toBe(2);
  expect(kernelThreads()).toBe(2);
  const pool = kernelPoolFor(tf.engine().backend);
  const dividedBefore = pool?.dividedCalls ?? 0;
  const two = leakFree();
  expect((pool?.dividedCalls ?? 0) - dividedBefore).toBeGreaterThanOrEqual(minDivided);
  expect(two.length).toBe(one.length);
  for (let i = 0; i < one.length; i++) {
    expect(bits(two[i] as Float32Array)).toEqual(bits(one[i] as Float32Array));
  }
}
