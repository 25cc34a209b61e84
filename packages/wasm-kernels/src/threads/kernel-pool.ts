import type { KernelSplit } from '../simd/kernel-split.js';
import type { WasmMemory, WasmModule } from '../simd/webassembly-api.js';
import {
  argCountSlot,
  argsByteOffset,
  boundsSlot,
  controlBytes,
  failedSlot,
  jobSlot,
  kernelSlot,
  maxArgs,
  maxThreads,
  quitSlot,
  remainingSlot,
} from './control-block.js';
import type { KernelWorkerInit } from './kernel-worker-loop.js';

/** A started pool worker, as the platform's spawner returns it. */
export interface PoolWorker {
  /** Settles once the worker runs its loop; rejects with the reason it could not start. */
  readonly ready: Promise<void>;
  /** Ends the worker at once. */
  terminate(): void;
}

/** Starts one worker running `kernelWorkerLoop(init)`: worker_threads in Node, a Web Worker in browsers. */
export type SpawnPoolWorker = (init: KernelWorkerInit) => PoolWorker;

/** Polls before sleeping, in workers (waiting for a job) and in the caller (for the workers). */
const spins = 20_000;
/**
 * Work one thread should have before another is woken for the rest: waking a sleeping worker
 * and waiting for it costs a few microseconds, about what this many multiply-adds take.
 */
let minWorkPerThread = 16_384;

/**
 * Sets the work one thread must have before a call is divided (0: divide every call into as
 * many ranges as there are threads and parts). For tests, which run every kernel's threaded path
 * on small shapes.
 */
export function setMinWorkPerThread(work: number): void {
  minWorkPerThread = work;
}

/**
 * Threads computing cnnkit's kernels on a shared wasm heap: the calling thread and
 * `threads − 1` workers, each with its own instance of the kernel module on the same memory.
 * A split kernel's parts are divided into `threads` contiguous ranges, one per thread; every
 * part is computed exactly as on one thread (kernels split only over independent outputs), so
 * results are bit-identical for any number of threads.
 */
export class KernelPool {
  readonly #control: Int32Array;
  readonly #args: Float64Array;
  readonly #workers: PoolWorker[];
  readonly #canBlock: boolean;
  #closed = false;
  #divided = 0;

  private constructor(control: SharedArrayBuffer, workers: PoolWorker[], canBlock: boolean) {
    this.#control = new Int32Array(control, 0, argsByteOffset / 4);
    this.#args = new Float64Array(control, argsByteOffset, maxArgs);
    this.#workers = workers;
    this.#canBlock = canBlock;
  }

  /**
   * Starts `threads − 1` workers on `memory` and resolves when all of them run; rejects (after
   * ending the ones that started) when one cannot start.
   */
  static async start(options: {
    readonly threads: number;
    readonly memory: WasmMemory;
    readonly module: WasmModule;
    readonly kernels: readonly string[];
    readonly spawn: SpawnPoolWorker;
  }): Promise<KernelPool> {
    const { threads, memory, module, kernels, spawn } = options;
    if (!Number.isInteger(threads) || threads < 1 || threads > maxThreads) {
      throw new Error(`threads must be a whole number from 1 to ${maxThreads}, got ${threads}`);
    }
    const control = new SharedArrayBuffer(controlBytes);
    const workers: PoolWorker[] = [];
    for (let thread = 1; thread < threads; thread++) {
      workers.push(spawn({ module, memory, control, kernels, thread, spins }));
    }
    const pool = new KernelPool(control, workers, canBlockHere());
    try {
      await Promise.all(workers.map((worker) => worker.ready));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** How many calls were divided among threads so far (for tests and profiling). */
  get dividedCalls(): number {
    return this.#divided;
  }

  /** The calling thread and the workers. */
  get threads(): number {
    return this.#closed ? 1 : this.#workers.length + 1;
  }

  /**
   * Runs `kernel(...args, from, to)` over the parts of `split`, divided among the threads (the
   * calling thread takes the first range), and returns when every part is done. Small calls,
   * and every call after `close()`, run on the calling thread alone. `kernel` is the calling
   * thread's instance of export number `index` of the pool's kernel list.
   */
  run(
    index: number,
    kernel: (...args: number[]) => void,
    args: readonly number[],
    split: KernelSplit,
  ): void {
    const { parts, work } = split;
    const threads = Math.min(this.threads, parts, Math.max(1, Math.floor(work / minWorkPerThread)));
    if (threads <= 1) {
      kernel(...args, 0, parts);
      return;
    }
    this.#divided++;
    const control = this.#control;
    const all = this.#workers.length + 1;
    for (let t = 0; t <= all; t++) {
      control[boundsSlot + t] = t >= threads ? parts : Math.floor((parts * t) / threads);
    }
    for (let i = 0; i < args.length; i++) this.#args[i] = args[i] as number;
    control[kernelSlot] = index;
    control[argCountSlot] = args.length;
    const failedBefore = control[failedSlot];
    Atomics.store(control, remainingSlot, this.#workers.length);
    Atomics.add(control, jobSlot, 1);
    Atomics.notify(control, jobSlot);
    try {
      kernel(...args, 0, control[boundsSlot + 1] as number);
    } finally {
      this.#join();
    }
    if (control[failedSlot] !== failedBefore) {
      throw new Error(
        `@cnnkit/wasm-kernels: a kernel failed on a worker thread (kernel #${index}, ${parts} parts).`,
      );
    }
  }

  #join(): void {
    const control = this.#control;
    let remaining = Atomics.load(control, remainingSlot);
    for (let spin = 0; remaining !== 0 && spin < spins; spin++) {
      remaining = Atomics.load(control, remainingSlot);
    }
    while (remaining !== 0) {
      // A browser's main thread may not block: it keeps polling instead.
      if (this.#canBlock) Atomics.wait(control, remainingSlot, remaining);
      remaining = Atomics.load(control, remainingSlot);
    }
  }

  /** Ends the workers; later calls run on the calling thread. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#control, quitSlot, 1);
    Atomics.add(this.#control, jobSlot, 1);
    Atomics.notify(this.#control, jobSlot);
    for (const worker of this.#workers) worker.terminate();
  }
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlockHere(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
