import type { WasmMemory, WasmModule } from '../simd/webassembly-api.js';

/** What a pool worker is started with (posted to it; every field is structured-cloneable). */
export interface KernelWorkerInit {
  /** The kernel module, compiled for a shared memory. */
  readonly module: WasmModule;
  /** The wasm backend's heap, a shared memory. */
  readonly memory: WasmMemory;
  /** The pool's control block (control-block.ts). */
  readonly control: SharedArrayBuffer;
  /** The split kernels' export names; a job names its kernel by index into this list. */
  readonly kernels: readonly string[];
  /** Which thread of the pool this worker is (1 and up; the caller is thread 0). */
  readonly thread: number;
  /** How many times to poll for the next job before sleeping until it comes. */
  readonly spins: number;
}

type KernelFunction = (...args: number[]) => void;

/**
 * The body of every pool worker: instantiates the kernel module on the shared heap, reports
 * `ready` (with the error when it cannot), then runs its part of each job until the pool
 * closes. A job is one call of a split kernel: thread t runs the kernel with the job's arguments
 * and its own part range; the thread that sees the count of busy workers reach 0 wakes the
 * caller.
 *
 * It is sent to workers as source text (`String(kernelWorkerLoop)`), so it must not refer to
 * anything outside itself but globals: it repeats control-block.ts's numbers, and it avoids
 * spread, optional chaining and classes, which a bundler might compile to helper functions
 * defined elsewhere.
 */
export function kernelWorkerLoop(init: KernelWorkerInit, ready: (error?: string) => void): void {
  const jobSlot = 0;
  const remainingSlot = 1;
  const kernelSlot = 2;
  const argCountSlot = 3;
  const failedSlot = 4;
  const quitSlot = 5;
  const boundsSlot = 8;
  const argsByteOffset = 512;
  const maxArgs = 32;
  const webAssembly = (
    globalThis as unknown as {
      WebAssembly: {
        Instance: new (module: WasmModule, imports: object) => { exports: object };
      };
    }
  ).WebAssembly;
  let functions: KernelFunction[];
  try {
    const exports = new webAssembly.Instance(init.module, { env: { memory: init.memory } })
      .exports as Record<string, KernelFunction>;
    functions = init.kernels.map((name) => exports[name] as KernelFunction);
  } catch (error) {
    ready(String(error));
    return;
  }
  const control = new Int32Array(init.control, 0, argsByteOffset / 4);
  const args = new Float64Array(init.control, argsByteOffset, maxArgs);
  const call: number[] = [];
  let seen = Atomics.load(control, jobSlot);
  ready();
  for (;;) {
    let job = Atomics.load(control, jobSlot);
    for (let spin = 0; job === seen && spin < init.spins; spin++) {
      job = Atomics.load(control, jobSlot);
    }
    if (job === seen) {
      Atomics.wait(control, jobSlot, seen);
      continue;
    }
    seen = job;
    if (Atomics.load(control, quitSlot) !== 0) return;
    const from = control[boundsSlot + init.thread] as number;
    const to = control[boundsSlot + init.thread + 1] as number;
    if (from < to) {
      const count = control[argCountSlot] as number;
      call.length = 0;
      for (let i = 0; i < count; i++) call.push(args[i] as number);
      call.push(from, to);
      try {
        (functions[control[kernelSlot] as number] as KernelFunction).apply(null, call);
      } catch {
        Atomics.add(control, failedSlot, 1);
      }
    }
    if (Atomics.sub(control, remainingSlot, 1) === 1) Atomics.notify(control, remainingSlot);
  }
}
