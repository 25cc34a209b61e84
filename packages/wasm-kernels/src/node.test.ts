import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { enableRelaxedSimd } from './node.js';
import { kernelModuleBytes, simdVariant } from './simd/simd-kernels.js';
import {
  expectClose,
  runOnCpuThenWasm,
  seededValues,
  useWasmWithTrainingKernels,
} from './test-support/compare-backends.js';

// @types/node does not declare WebAssembly.
const { validate } = (
  globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }
).WebAssembly;

describe('enableRelaxedSimd (Node entry)', () => {
  it('makes the engine validate the relaxed build and the kernels run it, on every Node', async () => {
    await useWasmWithTrainingKernels();
    expect(enableRelaxedSimd()).toBe('relaxed-simd');
    expect(validate(kernelModuleBytes(false, 'relaxed-simd'))).toBe(true);
    expect(simdVariant()).toBe('relaxed-simd');
    // Calling it again is harmless.
    expect(enableRelaxedSimd()).toBe('relaxed-simd');

    // The kernels bound after the switch compute what the cpu backend does.
    const x = seededValues(2 * 12 * 12 * 3, 1);
    const filter = seededValues(5 * 5 * 3 * 6, 2);
    const { expected, actual } = await runOnCpuThenWasm(() =>
      tf.tidy(() =>
        tf
          .conv2d(tf.tensor4d(x, [2, 12, 12, 3]), tf.tensor4d(filter, [5, 5, 3, 6]), 1, 'valid')
          .dataSync(),
      ),
    );
    expectClose(actual, expected);
  });
});
