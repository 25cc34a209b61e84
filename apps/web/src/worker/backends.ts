import {
  type BackendRegistry,
  cpuCandidate,
  createBackendRegistry,
  wasmCandidate,
  webglCandidate,
  webgpuCandidate,
} from '@cnnkit/backends';

/**
 * The page's backends, in the order it lists them and picks a default (the first that starts
 * and passes the training check): wasm, webgl, webgpu (experimental), cpu. Each is a dynamic
 * import, so its code (and its .wasm files) is only fetched when the visitor's browser checks it.
 */
export function createWebBackends(): BackendRegistry {
  return createBackendRegistry([
    wasmCandidate(async () => {
      const [{ startWasmTraining }, { wasmPaths }] = await Promise.all([
        import('@cnnkit/wasm-kernels'),
        // The .wasm files' asset URLs, from the cnnkitWasm() Vite plugin (vite.config.ts), so
        // they load from any base path.
        import('@cnnkit/wasm-kernels/wasm-paths'),
      ]);
      return startWasmTraining({ wasmPaths });
    }),
    // Software renderers (SwiftShader, llvmpipe) are slow but correct, and the training check
    // still has to pass: let the visitor decide.
    webglCandidate(() => import('@tensorflow/tfjs-backend-webgl'), { allowSoftwareRenderer: true }),
    webgpuCandidate(() => import('@tensorflow/tfjs-backend-webgpu')),
    cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
  ]);
}
