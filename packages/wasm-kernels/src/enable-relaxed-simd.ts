import { setFlagsFromString } from 'node:v8';
import { refreshRelaxedSimdSupport, type SimdVariant, simdVariant } from './simd/simd-kernels.js';

/**
 * Lets Node 20 run the kernels' relaxed-SIMD build (fused multiply-adds: about 1.3–1.5× the
 * plain build's speed on the convolutions). Node 20's V8 implements relaxed SIMD but keeps it
 * behind `--experimental-wasm-relaxed-simd`; this sets that flag for the process (the same as
 * starting `node` with it) and makes the kernels pick the relaxed build from their next call on.
 * On Node >= 22, where relaxed SIMD is on by default, it changes nothing. `startWasmTraining()`
 * of this entry calls it for you. Returns the build the kernels now run.
 *
 * V8 flags are process-wide and Node documents changing them after start-up as unsupported in
 * general; this one only decides which WebAssembly instructions validate.
 *
 * @example
 * ```ts
 * import { enableRelaxedSimd } from '@cnnkit/wasm-kernels/node';
 *
 * enableRelaxedSimd(); // 'relaxed-simd'
 * ```
 */
export function enableRelaxedSimd(): SimdVariant {
  if (simdVariant() === 'relaxed-simd') return 'relaxed-simd';
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  refreshRelaxedSimdSupport();
  return simdVariant();
}
