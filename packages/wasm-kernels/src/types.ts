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
  /** Threads cnnkit's kernels compute with (1: the calling thread alone). */
  readonly threads: number;
  /** Which build of cnnkit's SIMD kernel module runs, or 'none' when its fallbacks run. */
  readonly kernels: 'relaxed-simd' | 'simd' | 'none';
  /**
   * One line for people, e.g. "@tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed
   * SIMD, FMA), 2 threads", with the reason when fewer threads run than were asked for.
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
   * Threads for cnnkit's kernels, 1 to 64 (default: the logical cores), where the platform
   * allows them: Node through `@cnnkit/wasm-kernels/node`, browsers in a cross-origin isolated
   * page. Results do not depend on it.
   */
  readonly threads?: number;
  /**
   * Whether to print one console warning when fewer threads run than asked for (default true);
   * `detail` says why either way, so apps that show it pass false.
   */
  readonly warn?: boolean;
}
