import type { KernelPool } from '../threads/kernel-pool.js';
import type { RunSplitKernel } from './kernel-split.js';
import {
  kernelsRelaxedWasmBase64,
  kernelsSharedRelaxedWasmBase64,
  kernelsSharedWasmBase64,
  kernelsWasmBase64,
} from './kernels-wasm.generated.js';
import {
  bindSimdKernels,
  type SimdKernelExports,
  type SimdKernels,
  simdKernelParameterTypes,
} from './simd-kernel-bindings.generated.js';
import { type WasmMemory, type WasmModule, wasmApi } from './webassembly-api.js';

export type { SimdKernels } from './simd-kernel-bindings.generated.js';

/** The Emscripten module object of tfjs-backend-wasm (`backend.wasm`), as far as it is used. */
interface EmscriptenModule {
  /** Single-threaded builds export their memory. */
  readonly asm?: { readonly memory?: WasmMemory };
  /** Multi-threaded builds create a shared memory and keep it here. */
  readonly wasmMemory?: WasmMemory;
}

/** The wasm backend's linear memory, or undefined when it cannot be found. */
export function backendMemory(backend: unknown): WasmMemory | undefined {
  const module = (backend as { wasm?: EmscriptenModule } | null)?.wasm;
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether `memory` is a shared (multi-threaded) WebAssembly memory. */
export function isSharedMemory(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** Which build of the module runs: with relaxed SIMD (fused multiply-add) or plain SIMD. */
export type SimdVariant = 'relaxed-simd' | 'simd';

let relaxedAllowed = true;
let relaxedValid: boolean | undefined;

/**
 * Which build of the SIMD kernel module this engine runs: `'relaxed-simd'` (fused
 * multiply-adds, the fastest) where the engine validates relaxed SIMD — Node >= 22, Chrome and
 * Edge >= 114 — else `'simd'` (Node 20 unless started with `--experimental-wasm-relaxed-simd`,
 * Safari, Firefox without the feature). Results agree within float32 rounding.
 *
 * @example
 * ```ts
 * import { simdVariant } from '@cnnkit/wasm-kernels';
 *
 * ['relaxed-simd', 'simd'].includes(simdVariant()); // true
 * ```
 */
export function simdVariant(): SimdVariant {
  relaxedValid ??= wasmApi.validate(decodeBase64(kernelsRelaxedWasmBase64));
  return relaxedAllowed && relaxedValid ? 'relaxed-simd' : 'simd';
}

/**
 * Forgets whether the engine validates relaxed SIMD, and the instances bound so far, so that the
 * next kernel call checks again (after `enableRelaxedSimd()` changed the engine's flags).
 */
export function refreshRelaxedSimdSupport(): void {
  relaxedValid = undefined;
  instances = new WeakMap();
}

/** The module binary for a memory: the shared-memory build for a shared memory. */
export function kernelModuleBytes(
  shared: boolean,
  variant: SimdVariant = simdVariant(),
): Uint8Array<ArrayBuffer> {
  const relaxed = variant === 'relaxed-simd';
  if (shared)
    return decodeBase64(relaxed ? kernelsSharedRelaxedWasmBase64 : kernelsSharedWasmBase64);
  return decodeBase64(relaxed ? kernelsRelaxedWasmBase64 : kernelsWasmBase64);
}

const compiled = new Map<string, WasmModule>();
let instances = new WeakMap<WasmMemory, SimdKernels>();
const failures = new WeakMap<WasmMemory, string>();
let warn: (message: string) => void = (message) => console.warn(message);
let enabled = true;

/**
 * Turns the SIMD module off (every kernel then takes its fallback path) or back on. For tests,
 * which run each kernel both ways against the cpu backend.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Lets the loader pick the relaxed-SIMD build where the engine supports it (the default), or
 * keeps it on the plain one. For tests, which check both builds against the cpu backend; the
 * kernels bind to the chosen build on their next call.
 */
export function setRelaxedSimdAllowed(on: boolean): void {
  relaxedAllowed = on;
  instances = new WeakMap();
}

/** Replaces the one-time warning printed when the SIMD module cannot start (for tests). */
export function setSimdWarningSink(sink: (message: string) => void): void {
  warn = sink;
}

/**
 * The kernels of an instance, after checking that every export the binding expects is there
 * with its number of parameters (a binary out of step with its generated binding fails here,
 * and the kernels use their fallbacks, instead of passing arguments in the wrong places).
 */
function bind(exports: object, memory: WasmMemory): SimdKernels {
  const mismatched = Object.entries(simdKernelParameterTypes)
    .filter(([name, types]) => {
      const kernel: unknown = Reflect.get(exports, name);
      const arity = types === '' ? 0 : types.split(' ').length;
      return typeof kernel !== 'function' || kernel.length !== arity;
    })
    .map(([name]) => name);
  if (mismatched.length > 0) {
    throw new Error(
      `its exports do not match src/simd/simd-kernel-bindings.generated.ts (${mismatched.join(', ')}); run \`pnpm --filter @cnnkit/wasm-kernels build:wasm\``,
    );
  }
  const run: RunSplitKernel = (index, kernel, args, split) => {
    const pool = pools.get(memory);
    if (pool != null) pool.run(index, kernel, args, split);
    else kernel(...args, 0, split.parts);
  };
  return bindSimdKernels(exports as SimdKernelExports, run);
}

function instantiate(memory: WasmMemory, module: WasmModule): SimdKernels {
  return bind(new wasmApi.Instance(module, { env: { memory } }).exports, memory);
}

const pools = new WeakMap<WasmMemory, KernelPool>();

/**
 * Makes the split kernels on `memory` divide their work among `pool`'s threads (undefined: the
 * calling thread alone again).
 */
export function useKernelPool(memory: WasmMemory, pool: KernelPool | undefined): void {
  if (pool == null) pools.delete(memory);
  else pools.set(memory, pool);
}

/** The kernel pool the kernels on `backend`'s memory use, if any. */
export function kernelPoolFor(backend: unknown): KernelPool | undefined {
  const memory = backendMemory(backend);
  return memory == null ? undefined : pools.get(memory);
}

/** The compiled shared-memory build of the module, for pool workers. */
export async function sharedKernelModule(): Promise<WasmModule> {
  const key = `true:${simdVariant()}`;
  let module = compiled.get(key);
  if (module == null) {
    module = await wasmApi.compile(kernelModuleBytes(true));
    compiled.set(key, module);
  }
  return module;
}

/**
 * Compiles and instantiates the SIMD module for the active wasm backend's memory without
 * blocking, for browsers' main threads, which refuse to compile modules over 4 KB
 * synchronously. In Node and in workers the kernels do this themselves on first use.
 */
export async function prepareSimdKernels(backend: unknown): Promise<boolean> {
  const memory = backendMemory(backend);
  if (memory == null) return false;
  if (instances.has(memory)) return true;
  const shared = isSharedMemory(memory);
  const key = `${shared}:${simdVariant()}`;
  try {
    let module = compiled.get(key);
    if (module == null) {
      module = await wasmApi.compile(kernelModuleBytes(shared));
      compiled.set(key, module);
    }
    const instance = await wasmApi.instantiate(module, { env: { memory } });
    instances.set(memory, bind(instance.exports, memory));
    return true;
  } catch (error) {
    fail(memory, error);
    return false;
  }
}

function fail(memory: WasmMemory, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  if (!failures.has(memory)) {
    warn(
      `@cnnkit/wasm-kernels: the SIMD kernels could not start (${reason}); training continues ` +
        'with the slower fallback kernels. In a browser, `await prepareWasmTrainingKernels()` ' +
        'after `tf.setBackend("wasm")` compiles them without blocking the main thread.',
    );
  }
  failures.set(memory, reason);
}

/**
 * The SIMD kernels bound to `backend`'s memory, instantiated on first use; undefined (after
 * one warning) when they cannot run there, in which case callers use their fallback path.
 */
export function simdKernelsFor(backend: unknown): SimdKernels | undefined {
  if (!enabled) return undefined;
  const memory = backendMemory(backend);
  if (memory == null) return undefined;
  const ready = instances.get(memory);
  if (ready != null) return ready;
  if (failures.has(memory)) return undefined;
  const shared = isSharedMemory(memory);
  const key = `${shared}:${simdVariant()}`;
  try {
    let module = compiled.get(key);
    if (module == null) {
      module = new wasmApi.Module(kernelModuleBytes(shared));
      compiled.set(key, module);
    }
    const kernels = instantiate(memory, module);
    instances.set(memory, kernels);
    return kernels;
  } catch (error) {
    fail(memory, error);
    return undefined;
  }
}
