import '@cnnkit/tfjs-gradients';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { simdVariant } from './simd/simd-kernels.js';
import { startWasmTraining } from './start-wasm-training.js';

describe('startWasmTraining (main entry, in Node)', () => {
  it('starts the wasm backend with the training kernels once, and says what runs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const first = startWasmTraining({ threads: 4 });
      expect(startWasmTraining()).toBe(first);
      const info = await first;
      expect(tf.getBackend()).toBe('wasm');
      expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
      const label = simdVariant() === 'relaxed-simd' ? 'relaxed SIMD, FMA' : 'SIMD';
      expect(info).toEqual({
        tfjsWasmVersion: version_wasm,
        threads: 1,
        kernels: simdVariant(),
        detail:
          `@tensorflow/tfjs-backend-wasm ${version_wasm} + cnnkit kernels (${label}), 1 thread ` +
          "(4 threads requested, but this entry starts no threads in Node (import startWasmTraining from '@cnnkit/wasm-kernels/node'))",
      });
      expect(warn.mock.calls).toEqual([
        [
          "@cnnkit/wasm-kernels: 4 threads requested, but this entry starts no threads in Node (import startWasmTraining from '@cnnkit/wasm-kernels/node'); running on 1 thread.",
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('trains afterwards: a conv2d filter gradient, without leaking tensors', async () => {
    await startWasmTraining();
    const before = tf.memory().numTensors;
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const filter = tf.tidy(() => tf.variable(tf.ones<tf.Rank.R4>([2, 2, 1, 1])));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, filter, 1, 'valid')));
    expect(Array.from(grads[filter.name]?.dataSync() ?? [])).toEqual([12, 16, 24, 28]);
    tf.dispose([x, filter, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([0, 2.5, -1, 65])('rejects threads: %s, quoting it', async (threads) => {
    await expect(startWasmTraining({ threads })).rejects.toThrow(
      `@cnnkit/wasm-kernels: threads must be a whole number from 1 to 64, got ${threads}.`,
    );
  });
});
