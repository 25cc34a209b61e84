import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@cnnkit/random';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { registerWasmTrainingKernels } from '../register-wasm-training-kernels.js';
import { setRelaxedSimdAllowed, setSimdKernelsEnabled } from '../simd/simd-kernels.js';
import { setMinWorkPerThread } from '../threads/kernel-pool.js';
import { startKernelThreads } from '../threads/kernel-threads.js';
import { spawnNodeWorker } from '../threads/spawn-node-worker.js';
import { startWithSharedMemory } from '../threads/start-with-shared-memory.js';

/**
 * Starts the wasm backend with this package's kernels and leaves 'wasm' active: on a shared heap
 * with 2 kernel threads, every split kernel call divided between them however small it is, so
 * that the kernel tests check the threaded path on all their shapes.
 */
export async function useWasmWithTrainingKernels(): Promise<void> {
  const { result: started, memory } =
    'wasm' in tf.engine().registry
      ? { result: await tf.setBackend('wasm'), memory: undefined }
      : await startWithSharedMemory(() => tf.setBackend('wasm'));
  if (!started) throw new Error('The wasm backend did not start.');
  registerWasmTrainingKernels();
  if (memory != null) {
    setMinWorkPerThread(0);
    await startKernelThreads(memory, spawnNodeWorker, 2);
  }
}

/** Switches backend, failing loudly if it cannot start. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`The ${name} backend did not start.`);
  // The cpu backend's first write prints advice to install tfjs-node; the tests use it on purpose.
  const backend = tf.backend() as tf.KernelBackend & { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}

/**
 * Runs `reference` on the cpu backend, then `onWasm` (by default the same computation) on wasm,
 * checking that the wasm run leaves no tensors and no heap buffers behind; returns both results.
 */
export async function runOnCpuThenWasm<T>(
  reference: () => T,
  onWasm: () => T = reference,
): Promise<{ expected: T; actual: T }> {
  await useBackend('cpu');
  const expected = reference();
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const heapBuffersBefore = tf.engine().backend.numDataIds();
  const actual = onWasm();
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.engine().backend.numDataIds()).toBe(heapBuffersBefore);
  return { expected, actual };
}

/** Seeded values in [-1, 1), with some exact zeros so the kernels' zero-skipping is exercised. */
export function seededValues(size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.float() < 0.1 ? 0 : rng.uniform(-1, 1);
  return values;
}

/**
 * Float32 sums over thousands of terms differ between backends by rounding only; the
 * tolerance scales with the largest reference magnitude.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  relative = 1e-4,
) {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++)
    scale = Math.max(scale, Math.abs(expected[i] as number));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  expect(worst).toBeLessThanOrEqual(relative * scale);
}

/**
 * The ways every kernel can run: the SIMD module's relaxed-SIMD build (fused multiply-add; on
 * engines without relaxed SIMD, such as Node 20, this is the plain build again), its plain-SIMD
 * build, and the fallback without the module.
 */
export const kernelPaths = [
  { path: 'SIMD module, relaxed SIMD where the engine has it', simd: true, relaxed: true },
  { path: 'SIMD module, plain SIMD', simd: true, relaxed: false },
  { path: 'fallback without the SIMD module', simd: false, relaxed: false },
] as const;

/** Starts wasm with this package's kernels on the given path (restore with `true`). */
export async function useKernelPath(simd: boolean, relaxed = true): Promise<void> {
  await useWasmWithTrainingKernels();
  setSimdKernelsEnabled(simd);
  setRelaxedSimdAllowed(relaxed);
}
