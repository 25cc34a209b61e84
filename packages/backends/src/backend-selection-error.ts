import type { BackendFailure } from './backend-candidate.js';

/**
 * Thrown by {@link BackendRegistry.select} when the requested backend, or every candidate,
 * failed. The message is written for people (each failure with its hint); `failures` has the
 * same facts for programs.
 *
 * @example
 * ```ts
 * const registry = createBackendRegistry([
 *   cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
 * ]);
 * const error = await registry.select({ requested: 'webgl' }).catch((e: unknown) => e);
 * error instanceof BackendSelectionError; // true
 * (error as BackendSelectionError).message.startsWith('Unknown backend'); // true
 * ```
 */
export class BackendSelectionError extends Error {
  override readonly name = 'BackendSelectionError';

  constructor(
    message: string,
    /** Every candidate that was tried and failed, in the order tried. */
    readonly failures: readonly BackendFailure[],
  ) {
    super(message);
  }
}
