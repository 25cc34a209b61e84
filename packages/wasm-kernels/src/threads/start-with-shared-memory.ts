import { type WasmMemory, wasmApi } from '../simd/webassembly-api.js';
import { withSharedMemoryImport } from './shared-memory-module.js';

type Instantiate = (source: unknown, imports?: unknown) => Promise<unknown>;
type InstantiateStreaming = (source: unknown, imports?: unknown) => Promise<unknown>;

interface WebAssemblyLoaders {
  instantiate: Instantiate;
  instantiateStreaming?: InstantiateStreaming;
}

/** What {@link startWithSharedMemory} gives back. */
export interface SharedMemoryStart<T> {
  readonly result: T;
  /** The shared memory the backend's module got, or undefined when its start did not use it. */
  readonly memory: WasmMemory | undefined;
}

/**
 * Emscripten's imports for tfjs-backend-wasm's single-threaded builds: `env` with the heap
 * functions and no memory (the multi-threaded build imports its own `env.memory`).
 */
function isSingleThreadedTfjsImports(imports: unknown): boolean {
  const env = (imports as { env?: Record<string, unknown> } | null)?.env;
  return env != null && 'emscripten_resize_heap' in env && !('memory' in env);
}

function bytesOf(source: unknown): Uint8Array | undefined {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  return undefined;
}

/**
 * Runs `start` — tfjs's start of the 'wasm' backend — with `WebAssembly.instantiate` and
 * `instantiateStreaming` wrapped for its duration, so that the module of tfjs-backend-wasm's
 * single-threaded build is instantiated on a shared memory ({@link withSharedMemoryImport})
 * instead of one of its own; every other module passes through unchanged, and the originals are
 * back when `start` settles. The backend then works as before, on a heap that is a
 * SharedArrayBuffer, which cnnkit's kernel workers can share.
 *
 * tfjs-backend-wasm gives Node only its single-threaded builds, and picks its threaded build
 * in browsers only where it also starts its own pthread pool; this gives both platforms the
 * same single-threaded backend on a shared heap.
 */
export async function startWithSharedMemory<T>(
  start: () => Promise<T>,
): Promise<SharedMemoryStart<T>> {
  const api = wasmApi as unknown as WebAssemblyLoaders;
  const { instantiate, instantiateStreaming } = api;
  let memory: WasmMemory | undefined;
  const shared = (source: Uint8Array, imports: { env: object }): Promise<unknown> => {
    const module = withSharedMemoryImport(source);
    memory = new wasmApi.Memory({
      initial: module.initial,
      maximum: module.maximum,
      shared: true,
    });
    return instantiate.call(api, module.bytes, { ...imports, env: { ...imports.env, memory } });
  };
  api.instantiate = (source, imports) => {
    const bytes = bytesOf(source);
    if (bytes == null || !isSingleThreadedTfjsImports(imports)) {
      return instantiate.call(api, source, imports);
    }
    return shared(bytes, imports as { env: object });
  };
  if (instantiateStreaming != null) {
    api.instantiateStreaming = async (source, imports) => {
      if (!isSingleThreadedTfjsImports(imports)) {
        return instantiateStreaming.call(api, source, imports);
      }
      const response = (await source) as { arrayBuffer(): Promise<ArrayBuffer> };
      return shared(new Uint8Array(await response.arrayBuffer()), imports as { env: object });
    };
  }
  try {
    return { result: await start(), memory };
  } finally {
    api.instantiate = instantiate;
    if (instantiateStreaming != null) api.instantiateStreaming = instantiateStreaming;
  }
}
