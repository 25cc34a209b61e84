import { expect, test } from 'vitest';
import type { BackendStatus } from '../protocol.js';
import { runtimeTexts, type ThreadEnvironment } from './runtime-header.js';

const wasm: BackendStatus = {
  name: 'wasm',
  state: 'ok',
  detail: 'tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 2 threads',
  threads: 2,
  experimental: false,
};
const twoCores: ThreadEnvironment = { logicalCores: 2, isolated: true };

test('on wasm the header names the SIMD build the worker reported', () => {
  expect(runtimeTexts({ ...wasm, simd: 'relaxed-simd' }, twoCores)).toEqual({
    backend: 'wasm',
    threads: 2,
    threadChoices: [1, 2],
    threadsFixedBecause: null,
    kernels: 'SIMD relaxed (FMA)',
  });
  expect(runtimeTexts({ ...wasm, simd: 'simd' }, twoCores).kernels).toBe('SIMD');
  // No SIMD build: the SIMD module did not start, and the header says so instead of guessing.
  expect(runtimeTexts({ ...wasm, simd: 'none' }, twoCores).kernels).toBe(
    'fallback (no SIMD module)',
  );
  expect(runtimeTexts(wasm, twoCores).kernels).toBe('fallback (no SIMD module)');
});

test('other backends show no SIMD build, and one fixed thread when they report none', () => {
  const webgl = runtimeTexts(
    { name: 'webgl', state: 'ok', detail: 'WebGL 2', experimental: false },
    twoCores,
  );
  expect(webgl).toMatchObject({ backend: 'webgl', threads: 1, threadChoices: [1], kernels: null });
  expect(webgl.threadsFixedBecause).toMatch(/only the wasm backend .* webgl runs on the GPU/i);
  // A stray variant on a non-wasm status is not shown: those kernels are wasm-only.
  const cpu = runtimeTexts(
    { name: 'cpu', state: 'ok', detail: 'cpu', simd: 'simd', experimental: false },
    twoCores,
  );
  expect(cpu.kernels).toBeNull();
  expect(cpu.threadsFixedBecause).toMatch(/cpu runs on one thread/);
});

test('wasm offers 1 up to the logical cores (at most 16) in an isolated page', () => {
  expect(runtimeTexts(wasm, { logicalCores: 8, isolated: true }).threadChoices).toEqual([
    1, 2, 3, 4, 5, 6, 7, 8,
  ]);
  expect(runtimeTexts(wasm, { logicalCores: 128, isolated: true }).threadChoices).toHaveLength(16);
  // The count that runs is offered even above the cap.
  expect(
    runtimeTexts({ ...wasm, threads: 32 }, { logicalCores: 32, isolated: true }).threadChoices,
  ).toHaveLength(32);
  // Set back to 1 thread: the choices stay.
  expect(runtimeTexts({ ...wasm, threads: 1 }, twoCores).threadChoices).toEqual([1, 2]);
});

test('the thread setting is fixed, with the reason, where threads cannot run', () => {
  const notIsolated = runtimeTexts({ ...wasm, threads: 1 }, { logicalCores: 8, isolated: false });
  expect(notIsolated.threadChoices).toEqual([1]);
  expect(notIsolated.threadsFixedBecause).toMatch(/not cross-origin isolated .* 1 thread/);
  expect(
    runtimeTexts({ ...wasm, threads: 1 }, { logicalCores: 1, isolated: true }).threadsFixedBecause,
  ).toMatch(/one logical core/);
  const failed = runtimeTexts(
    {
      ...wasm,
      threads: 1,
      detail:
        "tfjs-backend-wasm 4.22.0 + cnnkit kernels (fallback), 1 thread (2 threads requested, but cnnkit's SIMD module did not start)",
    },
    twoCores,
  );
  expect(failed.threadChoices).toEqual([1]);
  expect(failed.threadsFixedBecause).toMatch(/SIMD module did not start/);
});
