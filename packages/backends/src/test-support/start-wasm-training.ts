import type { WasmStartInfo } from '../wasm-candidate.js';

/**
 * The wasm backend with cnnkit's training kernels, as `@cnnkit/wasm-kernels/node`'s
 * `startWasmTraining` starts it.
 */
export async function startWasmTraining(): Promise<WasmStartInfo> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
  const kernels = await import('@cnnkit/wasm-kernels');
  kernels.registerWasmTrainingKernels();
  const { enableRelaxedSimd } = await import('@cnnkit/wasm-kernels/node');
  const simd = enableRelaxedSimd() === 'relaxed-simd' ? 'relaxed-simd' : 'simd';
  const threads = wasm.getThreadsCount();
  return {
    tfjsWasmVersion: wasm.version_wasm,
    threads,
    kernels: simd,
    detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} + cnnkit kernels, ${threads} thread`,
  };
}
