import type { BackendDescription } from '@cnnkit/backends';

/**
 * How the page names a build of @cnnkit/wasm-kernels' SIMD module; 'none' or undefined means
 * the SIMD module did not start and the kernels run their (slower) fallbacks.
 */
export function simdBuildLabel(simd: BackendDescription['simd']): string {
  if (simd === 'relaxed-simd') return 'SIMD relaxed (FMA)';
  if (simd === 'simd') return 'SIMD';
  return 'fallback (no SIMD module)';
}
