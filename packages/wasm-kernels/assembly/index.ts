// SIMD training kernels, compiled with AssemblyScript into a WebAssembly module that imports the
// tfjs wasm backend's memory (`env.memory`) and works on its tensors in place. One kernel per
// file; this entry lists the module's exports, from which scripts/build-wasm.mjs also generates
// the TypeScript binding (src/simd/simd-kernel-bindings.generated.ts).
//
// Rules that keep the backend's heap safe (checked on the built binary by a test):
// - no allocation, no strings, no static data: the module has no data segments and never
//   touches memory except through the pointers it is given;
// - no recursion or arrays: locals only, so no shadow stack.
// Every pointer is a byte offset into the backend's memory; every buffer is float32 unless
// named otherwise, and every output buffer is fully written (callers need not clear it).

export { addBias } from './add-bias';
export {
  batchNormApply,
  batchNormGradApply,
  centredSquareSums,
  channelSums,
  gradientSums,
} from './batch-norm';
export { col2im } from './col2im';
export { conv2dFilterGrad } from './conv2d-filter-grad';
export { conv2dFilterGradNhwc } from './conv2d-filter-grad-nhwc';
export { winogradFilterGradParts, winogradFilterGradSum } from './conv2d-filter-grad-winograd';
export { conv2dForward } from './conv2d-forward';
export { conv2dWinograd, winogradFilter } from './conv2d-winograd';
export { gelu, geluGrad } from './gelu';
export { matmul } from './matmul';
export { maxPool } from './max-pool';
export { maxPoolGrad } from './max-pool-grad';
export { reluGrad } from './relu-grad';
export { sgdStep } from './sgd-step';
export { sumRows } from './sum-rows';
export { toPaddedPlanar } from './to-padded-planar';
export { transpose2d } from './transpose2d';
