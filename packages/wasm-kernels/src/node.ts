/**
 * The Node entry of `@cnnkit/wasm-kernels`: `startWasmTraining()` for Node, which also turns on
 * relaxed SIMD on Node 20 (through `node:v8`, so browsers import the main entry instead).
 *
 * @packageDocumentation
 */

export { defaultTrainingThreads, smallBatchSize } from './default-training-threads.js';
export { enableRelaxedSimd } from './enable-relaxed-simd.js';
export { setWasmTrainingThreads } from './set-wasm-training-threads.js';
export { wasmTrainingDetail } from './start-wasm-training.js';
export { startWasmTraining } from './start-wasm-training-node.js';
export type { StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';
