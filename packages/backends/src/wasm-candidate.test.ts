import '@tensorflow/tfjs-backend-cpu';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createBackendRegistry } from './backend-registry.js';
import { cpuCandidate } from './cpu-candidate.js';
import { wasmCandidate } from './wasm-candidate.js';

it('selects wasm with cnnkit kernels over cpu, and describes it from startWasmTraining', async () => {
  const registry = createBackendRegistry([
    cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
    wasmCandidate(() => startWasmTraining()),
  ]);
  const before = tf.memory().numTensors;
  const selected = await registry.select();
  expect(tf.memory().numTensors).toBe(before);
  expect(selected.name).toBe('wasm');
  expect(selected.skipped).toEqual([]);
  expect(selected.description).toEqual({
    version: '4.22.0',
    threads: expect.any(Number),
    simd: expect.stringMatching(/^(relaxed-simd|simd)$/),
    detail: expect.stringContaining('@tensorflow/tfjs-backend-wasm 4.22.0'),
  });
  expect(tf.getBackend()).toBe('wasm');
});

it('reports why wasm did not start, with the hint', async () => {
  const registry = createBackendRegistry([
    wasmCandidate(() => Promise.reject(new Error('expected magic word 00 61 73 6d'))),
  ]);
  await expect(registry.select({ requested: 'wasm' })).rejects.toThrow(
    "The 'wasm' backend you asked for did not start: expected magic word 00 61 73 6d. Install @tensorflow/tfjs-backend-wasm",
  );
});
