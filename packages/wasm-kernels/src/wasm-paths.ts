/**
 * `wasmPaths`: the URLs of tfjs-backend-wasm's .wasm files in a Vite build, for
 * `startWasmTraining({ wasmPaths })`. The `cnnkitWasm()` plugin of `@cnnkit/wasm-kernels/vite`
 * replaces this module with one that imports each file with `?url`, so Vite emits them as
 * assets; without the plugin, importing it throws an error saying so.
 *
 * @packageDocumentation
 */
import type { WasmPaths } from './wasm-file-names.js';

export type { WasmPaths } from './wasm-file-names.js';

function pluginMissing(): never {
  throw new Error(
    "@cnnkit/wasm-kernels/wasm-paths is provided by the Vite plugin cnnkitWasm(): add it from '@cnnkit/wasm-kernels/vite' to vite.config's plugins (and worker.plugins when tfjs runs in a worker), or pass startWasmTraining() your own wasmPaths.",
  );
}

/**
 * The URL of each tfjs-backend-wasm .wasm file (as Vite emits them), keyed as `setWasmPaths`
 * expects.
 *
 * @example
 * ```ts
 * // In a Vite app whose vite.config has plugins: [cnnkitWasm()]:
 * //   import { wasmPaths } from '@cnnkit/wasm-kernels/wasm-paths';
 * //   await startWasmTraining({ wasmPaths });
 * // Without the plugin (as here, in Node) the import fails and says what to do:
 * const failure = await import('@cnnkit/wasm-kernels/wasm-paths').catch((error) => error);
 * failure.message.startsWith('@cnnkit/wasm-kernels/wasm-paths is provided by the Vite plugin cnnkitWasm()'); // true
 * ```
 */
export const wasmPaths: WasmPaths = pluginMissing();
