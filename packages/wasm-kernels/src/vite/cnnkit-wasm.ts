import type { Plugin } from 'vite';
import { fixThreadedFactory } from './threads-fix.js';
import { tfjsWasmDirectory, wasmPathsModule } from './wasm-paths-module.js';

const wasmPathsModuleId = '@cnnkit/wasm-kernels/wasm-paths';
/** Vite's convention for a module that exists only in the build: a leading NUL byte. */
const resolvedWasmPathsModuleId = '\0cnnkit-wasm-paths';

/**
 * The Vite plugin for training with `@cnnkit/wasm-kernels` in a Vite app. It
 *
 * - provides `wasmPaths` from `@cnnkit/wasm-kernels/wasm-paths`: tfjs-backend-wasm's three
 *   .wasm files, emitted as assets, for `startWasmTraining({ wasmPaths })` (without them the
 *   browser fetches `/tfjs-backend-wasm-simd.wasm`, gets the app's index.html, and the backend
 *   does not start);
 * - keeps tfjs-backend-wasm's multi-threaded build working after minification (else its
 *   pthread workers die with "e is not defined"), and fails the build if tfjs-backend-wasm
 *   changed so that the fix no longer applies.
 *
 * Add it to `plugins`, and to `worker.plugins` when tfjs runs in a Web Worker. Threads also need
 * the page to be cross-origin isolated (see the README).
 *
 * @example
 * ```ts
 * // vite.config.ts
 * //   import { cnnkitWasm } from '@cnnkit/wasm-kernels/vite';
 * //   export default defineConfig({ plugins: [cnnkitWasm()], worker: { plugins: () => [cnnkitWasm()] } });
 * const plugin = cnnkitWasm();
 * plugin.name; // 'cnnkit:wasm'
 * ```
 */
export function cnnkitWasm(): Plugin {
  let directory: string | undefined;
  return {
    name: 'cnnkit:wasm',
    enforce: 'pre',
    resolveId(source) {
      return source === wasmPathsModuleId ? resolvedWasmPathsModuleId : null;
    },
    load(id) {
      if (id !== resolvedWasmPathsModuleId) return null;
      directory ??= tfjsWasmDirectory();
      return wasmPathsModule(directory);
    },
    transform(code, id) {
      const fixed = fixThreadedFactory(code, id);
      return fixed == null ? null : { code: fixed, map: null };
    },
  };
}
