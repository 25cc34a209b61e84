import type { SimdVariant } from '@cnnkit/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../protocol.js';
import { simdBuildLabel } from '../simd-build-label.js';

/**
 * How to load one TensorFlow.js backend in the worker. Each backend is a dynamic import, so
 * its code (and its .wasm files) is only fetched when the visitor's browser checks it.
 */
interface BackendLoader {
  readonly name: BackendName;
  readonly experimental: boolean;
  /** Imports and registers the backend; throws with a reason when this browser lacks it. */
  load(): Promise<void>;
  /** After `tf.setBackend` succeeded: extra kernels, precision checks. */
  prepare?(): Promise<void>;
  describe(): BackendDescription;
}

/** What a started backend reports about itself (see `BackendStatus` in protocol.ts). */
interface BackendDescription {
  readonly detail: string;
  readonly threads?: number;
  readonly simd?: SimdVariant;
}

let wasmThreads = 1;
let wasmSimd = false;
/** The SIMD module build the cnnkit kernels run; undefined while they use their fallbacks. */
let cnnkitSimd: SimdVariant | undefined;

/** The GPU's name as WebGL reports it; software renderers are named so the visitor knows. */
function webglRenderer(): string {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl;
  if (!gl) return 'unknown renderer';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|software/i.test(name) ? `${name} (software renderer)` : name;
}

const loaders: Record<BackendName, BackendLoader> = {
  wasm: {
    name: 'wasm',
    experimental: false,
    async load() {
      const [wasm, urls] = await Promise.all([
        import('@tensorflow/tfjs-backend-wasm'),
        import('./wasm-file-urls.js'),
      ]);
      // Asset URLs from the bundler, so the .wasm files load from any base path.
      wasm.setWasmPaths(urls.wasmFileUrls);
    },
    async prepare() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasmThreads = wasm.getThreadsCount();
      wasmSimd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const kernels = await import('@cnnkit/wasm-kernels');
      kernels.registerWasmTrainingKernels();
      // Compiled here, asynchronously; false means its fallbacks run (it warns once why).
      const started = await kernels.prepareWasmTrainingKernels();
      // Asked in the worker, where the kernels run, once the module started: the build it
      // reports is the one prepareWasmTrainingKernels() just compiled.
      cnnkitSimd = started ? kernels.simdVariant() : undefined;
    },
    describe: () => {
      const simd = wasmSimd ? 'SIMD' : 'no SIMD';
      return {
        detail: `tfjs-backend-wasm ${tf.version_core}, ${simd}, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}; cnnkit training kernels: ${simdBuildLabel(cnnkitSimd)}`,
        threads: wasmThreads,
        simd: cnnkitSimd,
      };
    },
  },
  webgl: {
    name: 'webgl',
    experimental: false,
    async load() {
      if (typeof OffscreenCanvas === 'undefined') {
        throw new Error('this browser has no OffscreenCanvas, which WebGL in a worker needs');
      }
      await import('@tensorflow/tfjs-backend-webgl');
      // tfjs refuses software renderers (SwiftShader, llvmpipe) by default; they are slow but
      // correct, and the check below still has to pass, so let the visitor decide.
      tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    },
    async prepare() {
      // Without float32 render targets tfjs falls back to float16, too coarse to train.
      if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
        throw new Error(
          'the GPU cannot render to float32 textures (float16 is too coarse to train)',
        );
      }
      tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', true);
    },
    describe: () => ({
      detail: `tfjs-backend-webgl ${tf.version_core}, WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${webglRenderer()}`,
    }),
  },
  webgpu: {
    name: 'webgpu',
    experimental: true,
    async load() {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (gpu == null) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
      if ((await gpu.requestAdapter()) == null) {
        throw new Error('WebGPU is present but no GPU adapter is available');
      }
      await import('@tensorflow/tfjs-backend-webgpu');
    },
    describe: () => ({ detail: `tfjs-backend-webgpu ${tf.version_core} (experimental)` }),
  },
  cpu: {
    name: 'cpu',
    experimental: false,
    async load() {
      await import('@tensorflow/tfjs-backend-cpu');
    },
    describe: () => ({ detail: `tfjs-backend-cpu ${tf.version_core}, plain JavaScript (slow)` }),
  },
};

/** Backends in the order the page lists them and picks a default: the first that works. */
export const BACKEND_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];

export function isExperimental(name: BackendName): boolean {
  return loaders[name].experimental;
}

/** Loads, initialises and activates a backend; throws with a one-line reason. */
export async function startBackend(name: BackendName): Promise<BackendDescription> {
  const loader = loaders[name];
  await loader.load();
  if (!(await tf.setBackend(name))) {
    throw new Error(`tf.setBackend('${name}') could not initialise it`);
  }
  await loader.prepare?.();
  return loader.describe();
}
