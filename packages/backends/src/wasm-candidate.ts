import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './activate-backend.js';
import type { BackendCandidate } from './backend-candidate.js';

/**
 * What starting the wasm backend for training reports: the shape of
 * `@cnnkit/wasm-kernels`' `WasmTrainingInfo` (declared here so this package does not depend on
 * the kernels).
 */
export interface WasmStartInfo {
  /** '@tensorflow/tfjs-backend-wasm' version. */
  readonly tfjsWasmVersion: string;
  readonly threads: number;
  /** Which build of cnnkit's SIMD kernel module runs, or 'none' when its fallbacks run. */
  readonly kernels: 'relaxed-simd' | 'simd' | 'none';
  readonly detail: string;
}

/**
 * The wasm backend with cnnkit's training kernels, priority 3. `start` is your app's call of
 * `@cnnkit/wasm-kernels`' `startWasmTraining` (from `@cnnkit/wasm-kernels/node` in Node, with
 * `wasmPaths` in a browser), which registers and starts tfjs-backend-wasm and the kernels.
 *
 * @example
 * ```ts
 * import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
 *
 * const wasm = wasmCandidate(() => startWasmTraining());
 * const { version, simd } = await wasm.start();
 * version; // '4.22.0'
 * tf.getBackend(); // 'wasm'
 * ```
 */
export function wasmCandidate(start: () => Promise<WasmStartInfo>): BackendCandidate {
  return {
    name: 'wasm',
    priority: 3,
    hint:
      'Install @tensorflow/tfjs-backend-wasm and @cnnkit/wasm-kernels at the version of @tensorflow/tfjs-core; ' +
      "in a browser, serve tfjs-backend-wasm's .wasm files and pass their URLs as wasmPaths.",
    async start() {
      const info = await start();
      if (tf.getBackend() !== 'wasm') await activateBackend('wasm');
      return {
        version: info.tfjsWasmVersion,
        threads: info.threads,
        simd: info.kernels,
        detail: info.detail,
      };
    },
  };
}
