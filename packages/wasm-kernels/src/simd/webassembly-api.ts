// The WebAssembly JS API members this package uses, typed here once: its TypeScript settings
// have no DOM library (the code runs in Node, browsers and workers alike), and @types/node does
// not declare WebAssembly.

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

/** A compiled WebAssembly.Module. */
export type WasmModule = object;

/** A WebAssembly.Instance. */
export interface WasmInstance {
  readonly exports: object;
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  LinkError: new () => Error;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}

/** The engine's `WebAssembly` global. */
export const wasmApi = (globalThis as typeof globalThis & { WebAssembly: WebAssemblyApi })
  .WebAssembly;
