import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWasmBackendInternals, getWasmBackendInternals } from './wasm-backend-internals.js';

describe('the tfjs version and wasm internals pin', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('accepts the installed tfjs 4.22 wasm backend', () => {
    const before = tf.memory().numTensors;
    expect(tf.version_core).toMatch(/^4\.22\./);
    const internals = getWasmBackendInternals();
    expect(internals).toBe(tf.findBackend('wasm'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects another tfjs-core version, naming both versions', () => {
    expect(() => checkWasmBackendInternals('4.21.0', tf.findBackend('wasm'))).toThrow(
      '@cnnkit/wasm-kernels supports @tensorflow/tfjs-core 4.22.x, but 4.21.0 is installed.',
    );
    expect(() => checkWasmBackendInternals('5.0.0', tf.findBackend('wasm'))).toThrow(/5\.0\.0/);
  });

  it('rejects a missing wasm backend with what to do', () => {
    expect(() => checkWasmBackendInternals('4.22.0', null)).toThrow(
      /not running: `await startWasmTraining\(\)`.*`await tf\.setBackend\('wasm'\)` returned true/,
    );
  });

  it('names each missing internal', () => {
    expect(() => checkWasmBackendInternals('4.22.0', {})).toThrow(
      '(makeOutput, typedArrayFromHeap, disposeData, incRef, dataIdMap)',
    );
    const withoutOffsets = {
      makeOutput() {},
      typedArrayFromHeap() {},
      disposeData() {},
      incRef() {},
      dataIdMap: { get: () => ({ id: 1 }) },
    };
    expect(() =>
      checkWasmBackendInternals('4.22.0', withoutOffsets, {
        dataId: {},
        shape: [],
        dtype: 'float32',
      }),
    ).toThrow('(dataIdMap entries with a memoryOffset)');
  });
});

describe('the wasm kernels these kernels are built from', () => {
  it('must be registered, or registration names the missing one', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const transpose = tf.getKernel(tf.Transpose, 'wasm');
    if (transpose == null) throw new Error('tfjs-backend-wasm registered no Transpose kernel.');
    tf.unregisterKernel(tf.Transpose, 'wasm');
    try {
      expect(() => getWasmBackendInternals()).toThrow(
        "The 'wasm' backend has no Transpose kernel, which @cnnkit/wasm-kernels builds on.",
      );
    } finally {
      tf.registerKernel(transpose);
    }
    expect(() => getWasmBackendInternals()).not.toThrow();
  });
});
