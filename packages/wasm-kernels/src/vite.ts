/**
 * The Vite plugin of `@cnnkit/wasm-kernels`: `cnnkitWasm()` serves tfjs-backend-wasm's .wasm
 * files to the app (`wasmPaths` from `@cnnkit/wasm-kernels/wasm-paths`) and keeps its
 * multi-threaded build working after minification. Runs in Node, inside Vite.
 *
 * @packageDocumentation
 */
export { cnnkitWasm } from './vite/cnnkit-wasm.js';
export type { WasmPaths } from './wasm-file-names.js';
