import { cnnkitWasm } from '@cnnkit/wasm-kernels/vite';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) unlocks SharedArrayBuffer, which the multi-threaded
 * wasm backend needs; both the dev and the preview server send it. A static host must send the
 * same two headers for threads; without them the page still works single-threaded.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs: the build works from any path (a sub-directory, a file server).
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // Keeps tfjs-backend-wasm's threaded build working after minification (and can serve its
  // .wasm files as `@cnnkit/wasm-kernels/wasm-paths`); tfjs runs in the worker.
  plugins: [cnnkitWasm()],
  worker: { format: 'es', plugins: () => [cnnkitWasm()] },
  build: {
    target: 'es2022',
    manifest: true,
    // The sample archive and .wasm files are assets, never inlined as base64.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
});
