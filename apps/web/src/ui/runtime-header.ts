import type { BackendStatus } from '../protocol.js';
import { simdBuildLabel } from '../simd-build-label.js';

/** The header's texts and thread setting for the active backend. */
export interface RuntimeTexts {
  readonly backend: string;
  /** The threads the backend computes with now. */
  readonly threads: number;
  /**
   * The thread counts the visitor can pick: 1 up to the logical cores on wasm in a
   * cross-origin isolated page; only the current count elsewhere.
   */
  readonly threadChoices: readonly number[];
  /** Why the thread setting is fixed, or null when it can be changed. */
  readonly threadsFixedBecause: string | null;
  /** Which build of the cnnkit training kernels runs: wasm only. */
  readonly kernels: string | null;
}

/** Where the page runs: what decides whether wasm can use more than one thread. */
export interface ThreadEnvironment {
  /** navigator.hardwareConcurrency. */
  readonly logicalCores: number;
  /** self.crossOriginIsolated: SharedArrayBuffer, so the kernel threads can share the heap. */
  readonly isolated: boolean;
}

/** The most threads offered: SimpleCNN's calls are too small to split further. */
const MOST_THREADS = 16;

function whyThreadsFixed(status: BackendStatus, environment: ThreadEnvironment): string | null {
  if (status.name !== 'wasm') {
    return `Only the wasm backend trains on several CPU threads; ${status.name} runs ${status.name === 'cpu' ? 'on one thread' : 'on the GPU'}.`;
  }
  if (!environment.isolated) {
    return 'The page is not cross-origin isolated (its server sends no COOP/COEP headers), so wasm runs on 1 thread.';
  }
  if (environment.logicalCores < 2) return 'This device reports one logical core.';
  // The backend started with threads but they did not run (its detail says why).
  if ((status.threads ?? 1) === 1 && /requested, but/.test(status.detail)) return status.detail;
  return null;
}

export function runtimeTexts(status: BackendStatus, environment: ThreadEnvironment): RuntimeTexts {
  const threads = status.threads ?? 1;
  const threadsFixedBecause = whyThreadsFixed(status, environment);
  // The count that runs is always a choice, even above the cap (startWasmTraining's default is
  // every logical core).
  const most = Math.max(threads, Math.min(MOST_THREADS, environment.logicalCores));
  return {
    backend: status.name,
    threads,
    threadChoices:
      threadsFixedBecause === null ? Array.from({ length: most }, (_, i) => i + 1) : [threads],
    threadsFixedBecause,
    kernels: status.name === 'wasm' ? simdBuildLabel(status.simd) : null,
  };
}
