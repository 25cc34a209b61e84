/** What a started backend reports about itself, for logs, run summaries and `info` pages. */
export interface BackendDescription {
  /** The backend package's version, e.g. '4.22.0'. */
  readonly version: string;
  /** Threads the backend computes with, when it says (wasm, tensorflow). */
  readonly threads?: number;
  /**
   * Which SIMD build of the backend's compute code runs: wasm only, where 'none' means
   * cnnkit's training kernels run their scalar fallbacks.
   */
  readonly simd?: 'relaxed-simd' | 'simd' | 'none';
  /** One line for people: package, version, threads, renderer… */
  readonly detail: string;
}

/**
 * One TensorFlow.js backend an application may use. Apps list these (usually made with
 * {@link cpuCandidate}, {@link wasmCandidate}, … and adjusted with object spread) and hand
 * the list to {@link createBackendRegistry}.
 *
 * @example
 * ```ts
 * // What cpuCandidate() makes, written out:
 * const cpu: BackendCandidate = {
 *   name: 'cpu',
 *   priority: 0,
 *   hint: 'Install @tensorflow/tfjs-backend-cpu.',
 *   async start() {
 *     await import('@tensorflow/tfjs-backend-cpu');
 *     await tf.setBackend('cpu');
 *     return { version: tf.version_core, detail: 'plain JavaScript' };
 *   },
 * };
 * const selected = await createBackendRegistry([cpu]).select();
 * selected.description.detail; // 'plain JavaScript'
 * ```
 */
export interface BackendCandidate {
  /** The tfjs backend name, as `tf.setBackend` takes it ('wasm', 'webgl', …). */
  readonly name: string;
  /** Higher is tried first when no backend is requested; ties keep the list's order. */
  readonly priority: number;
  /** What the user does when this backend does not start: one sentence, ends with a full stop. */
  readonly hint: string;
  /** Shown as experimental by apps (webgpu). */
  readonly experimental?: boolean;
  /** Never picked automatically, only by name (the CLI's slow cpu). */
  readonly onlyWhenRequested?: boolean;
  /**
   * Imports and registers the backend, makes it the active one (`tf.setBackend`), prepares
   * it (extra kernels, flags) and describes it. Throws with a one-line reason when it cannot
   * start here. Called at most once per registry.
   */
  start(): Promise<BackendDescription>;
}

/** A candidate that did not start or failed the training check. */
export interface BackendFailure {
  readonly name: string;
  /** Why, in one line (the first line of the error). */
  readonly reason: string;
  /** The candidate's {@link BackendCandidate.hint}. */
  readonly hint: string;
}

/** The backend {@link BackendRegistry.select} made active. */
export interface SelectedBackend {
  readonly name: string;
  readonly description: BackendDescription;
  /** Candidates tried before it that failed, in order; empty when it was requested. */
  readonly skipped: readonly BackendFailure[];
}

/** Whether one candidate starts and trains here, as {@link BackendRegistry.availability} reports it. */
export type BackendAvailability =
  | {
      readonly name: string;
      readonly ok: true;
      readonly experimental: boolean;
      readonly description: BackendDescription;
    }
  | {
      readonly name: string;
      readonly ok: false;
      readonly experimental: boolean;
      readonly reason: string;
      readonly hint: string;
    };
