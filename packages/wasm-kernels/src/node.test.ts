import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@cnnkit/tfjs-gradients';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  enableRelaxedSimd,
  setWasmTrainingThreads,
  startWasmTraining,
  wasmTrainingDetail,
} from './node.js';
import { kernelModuleBytes, simdVariant } from './simd/simd-kernels.js';
import { wasmApi } from './simd/webassembly-api.js';
import {
  expectClose,
  runOnCpuThenWasm,
  seededValues,
  useWasmWithTrainingKernels,
} from './test-support/compare-backends.js';

describe('startWasmTraining (Node entry)', () => {
  it('runs the relaxed-SIMD build on every Node, 20 included, on the threads asked for', async () => {
    expect(await startWasmTraining({ threads: 2 })).toEqual({
      tfjsWasmVersion: version_wasm,
      threads: 2,
      kernels: 'relaxed-simd',
      detail: `@tensorflow/tfjs-backend-wasm ${version_wasm} + cnnkit kernels (relaxed SIMD, FMA), 2 threads`,
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it("describes the threads that compute now, in startWasmTraining's words", async () => {
    const { detail } = await startWasmTraining({ threads: 2 });
    expect(wasmTrainingDetail()).toBe(detail);
    expect(await setWasmTrainingThreads(1)).toBe(1);
    expect(wasmTrainingDetail()).toBe(detail.replace(/, 2 threads$/, ', 1 thread'));
    expect(await setWasmTrainingThreads(3)).toBe(3);
    expect(wasmTrainingDetail()).toBe(detail.replace(/, 2 threads$/, ', 3 threads'));
    expect(await setWasmTrainingThreads(2)).toBe(2);
    expect(wasmTrainingDetail()).toBe(detail);
  });

  it('ends the workers it no longer needs: setWasmTrainingThreads leaves no thread behind', async () => {
    await startWasmTraining({ threads: 2 });
    // The OS threads of this process (Linux /proc); workers are threads, not processes.
    const threadsNow = () =>
      Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const settled = async (expected: number) => {
      for (let wait = 0; wait < 100 && threadsNow() !== expected; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return threadsNow();
    };
    // A terminated worker's thread exits shortly after terminate() returns: read when steady.
    const steady = async () => {
      let last = -1;
      for (let read = 0; read < 50 && threadsNow() !== last; read++) {
        last = threadsNow();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return last;
    };
    expect(await setWasmTrainingThreads(1)).toBe(1);
    const base = await steady();
    expect(await setWasmTrainingThreads(4)).toBe(4);
    expect(await settled(base + 3)).toBeGreaterThanOrEqual(base + 3);
    expect(await setWasmTrainingThreads(1)).toBe(1);
    expect(await settled(base)).toBe(base);
    expect(await setWasmTrainingThreads(2)).toBe(2);
  });
});

describe('enableRelaxedSimd (Node entry)', () => {
  it('makes the engine validate the relaxed build and the kernels run it, on every Node', async () => {
    await useWasmWithTrainingKernels();
    expect(enableRelaxedSimd()).toBe('relaxed-simd');
    expect(wasmApi.validate(kernelModuleBytes(false, 'relaxed-simd'))).toBe(true);
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

describe('startWasmTraining (Node entry) where SharedArrayBuffer is missing', () => {
  it('runs on 1 thread and says why, in detail and one console warning', () => {
    // Node 20 could start without it (--no-harmony-sharedarraybuffer, gone in Node 24); the
    // global removed before the package loads is what such a process looks like to it.
    const script = `
      delete globalThis.SharedArrayBuffer;
      const { startWasmTraining } = await import('@cnnkit/wasm-kernels/node');
      const info = await startWasmTraining({ threads: 2 });
      console.log(JSON.stringify({ threads: info.threads, detail: info.detail }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    const reason =
      '2 threads requested, but SharedArrayBuffer is not available in this Node process';
    const info = JSON.parse(run.stdout);
    expect(info.threads).toBe(1);
    expect(info.detail).toMatch(new RegExp(`, 1 thread \\(${reason.replace(/[()]/g, '\\$&')}\\)$`));
    expect(run.stderr).toBe(`@cnnkit/wasm-kernels: ${reason}; running on 1 thread.\n`);
  });
});
