import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { startWasmTraining, wasmTrainingDetail } from './start-wasm-training.js';

// A file of its own: tfjs starts a backend once per process, and this one must fail.
it("rejects with tfjs-backend-wasm's own reason when the backend cannot start (Node)", async () => {
  tf.removeBackend('wasm');
  // What tfjs-backend-wasm rejects with when Emscripten aborts: a plain object.
  tf.registerBackend('wasm', () => Promise.reject({ message: 'failed to load wasm binary' }), 2);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    await expect(startWasmTraining()).rejects.toThrow(
      "@cnnkit/wasm-kernels: the 'wasm' backend did not start (failed to load wasm binary). " +
        'Install @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm 4.22.x together, with ' +
        "tfjs-backend-wasm's dist/*.wasm files.",
    );
  } finally {
    warn.mockRestore();
  }
  // Nothing started, so there is nothing to describe.
  expect(() => wasmTrainingDetail()).toThrow(
    '@cnnkit/wasm-kernels: the wasm backend has not started; await startWasmTraining() first.',
  );
});
