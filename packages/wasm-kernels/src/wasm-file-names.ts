/** The .wasm files of tfjs-backend-wasm 4.22, as `setWasmPaths` names them. */
export const wasmFileNames = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** A map of every tfjs-backend-wasm .wasm file to its URL: a `wasmPaths` for `startWasmTraining`. */
export type WasmPaths = Readonly<Record<(typeof wasmFileNames)[number], string>>;
