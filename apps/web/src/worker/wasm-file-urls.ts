// `?url` makes Vite emit each .wasm file as a hashed asset and give its final URL, which is
// relative to this chunk, so the build works under any base path. tfjs-backend-wasm picks the
// plain, SIMD or threaded-SIMD file itself from what the browser supports.
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Absolute URLs of tfjs-backend-wasm's binaries, keyed as `setWasmPaths` expects. */
export const wasmFileUrls = {
  'tfjs-backend-wasm.wasm': new URL(plainUrl, self.location.href).href,
  'tfjs-backend-wasm-simd.wasm': new URL(simdUrl, self.location.href).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(threadedSimdUrl, self.location.href).href,
};
