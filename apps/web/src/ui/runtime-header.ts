import type { BackendStatus } from '../protocol.js';
import { simdBuildLabel } from '../simd-build-label.js';

/** The header's texts for the active backend; `kernels` is null where it does not apply. */
export interface RuntimeTexts {
  readonly backend: string;
  readonly threads: string;
  /** Which build of the cnnkit training kernels runs: wasm only. */
  readonly kernels: string | null;
}

export function runtimeTexts(status: BackendStatus): RuntimeTexts {
  return {
    backend: status.name,
    threads: String(status.threads ?? 1),
    kernels: status.name === 'wasm' ? simdBuildLabel(status.simd) : null,
  };
}
