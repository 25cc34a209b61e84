import { expect, test } from 'vitest';
import type { BackendStatus } from '../protocol.js';
import { runtimeTexts } from './runtime-header.js';

const wasm: BackendStatus = {
  name: 'wasm',
  state: 'ok',
  detail: 'tfjs-backend-wasm 4.22.0',
  threads: 2,
  experimental: false,
};

test('on wasm the header names the SIMD build the worker reported', () => {
  expect(runtimeTexts({ ...wasm, simd: 'relaxed-simd' })).toEqual({
    backend: 'wasm',
    threads: '2',
    kernels: 'SIMD relaxed (FMA)',
  });
  expect(runtimeTexts({ ...wasm, simd: 'simd' }).kernels).toBe('SIMD');
  // No SIMD build: the SIMD module did not start, and the header says so instead of guessing.
  expect(runtimeTexts({ ...wasm, simd: 'none' }).kernels).toBe('fallback (no SIMD module)');
  expect(runtimeTexts(wasm).kernels).toBe('fallback (no SIMD module)');
});

test('other backends show no SIMD build, and one thread when they report none', () => {
  expect(
    runtimeTexts({ name: 'webgl', state: 'ok', detail: 'WebGL 2', experimental: false }),
  ).toEqual({ backend: 'webgl', threads: '1', kernels: null });
  // A stray variant on a non-wasm status is not shown: those kernels are wasm-only.
  expect(
    runtimeTexts({ name: 'cpu', state: 'ok', detail: 'cpu', simd: 'simd', experimental: false })
      .kernels,
  ).toBeNull();
});
