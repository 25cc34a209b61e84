import type { SimdVariant } from '@cnnkit/wasm-kernels';

/**
 * How the page names a build of @cnnkit/wasm-kernels' SIMD module; undefined means the SIMD
 * module did not start and the kernels run their (slower) fallbacks.
 */
export function simdBuildLabel(simd: SimdVariant | undefined): string {
  if (simd === 'relaxed-simd') return 'SIMD relaxed (FMA)';
  if (simd === 'simd') return 'SIMD';
  return 'fallback (no SIMD module)';
}
