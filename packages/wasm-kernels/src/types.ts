import type * as tf from '@tensorflow/tfjs-core';

/** What {@link registerWasmTrainingKernels} did to the 'wasm' backend's kernel registry. */
export interface RegisteredKernels {
  /** Kernel names the wasm backend lacked and this package now provides. */
  readonly added: readonly string[];
  /**
   * The wasm backend's own configs for the kernels this package replaced (e.g. its
   * MaxPoolGrad), as they were before the first registration: for comparisons and bug reports.
   */
  readonly replaced: readonly tf.KernelConfig[];
}

/** What `startWasmTraining()` started. */
export interface WasmTrainingInfo {
  /** '@tensorflow/tfjs-backend-wasm' version, e.g. '4.22.0'. */
  readonly tfjsWasmVersion: string;
  /** Threads tfjs-backend-wasm computes with (1 when single-threaded). */
  readonly threads: number;
  /** Which build of cnnkit's SIMD kernel module runs, or 'none' when its fallbacks run. */
  readonly kernels: 'relaxed-simd' | 'simd' | 'none';
  /**
   * One line for people, e.g. "@tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed
   * SIMD, FMA), 1 thread", with the reason when fewer threads run than were asked for.
   */
  readonly detail: string;
}

/** Options of `startWasmTraining()`. */
export interface StartWasmTrainingOptions {
  /**
   * Browser only: where tfjs-backend-wasm's .wasm files are served (tfjs's `setWasmPaths`
   * argument: a URL prefix ending in '/', or a map of file name → URL). With Vite, the
   * `cnnkitWasm()` plugin of `@cnnkit/wasm-kernels/vite` provides the map as `wasmPaths` from
   * `@cnnkit/wasm-kernels/wasm-paths`.
   */
  readonly wasmPaths?: string | Record<string, string>;
  /**
   * Threads for tfjs-backend-wasm where the platform allows them (a cross-origin isolated
   * page); default: tfjs's own choice (the number of logical cores there). 1 selects its
   * single-threaded build.
   */
  readonly threads?: number;
}
