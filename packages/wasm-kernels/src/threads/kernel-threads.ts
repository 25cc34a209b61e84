import { splitKernelNames } from '../simd/simd-kernel-bindings.generated.js';
import { sharedKernelModule, useKernelPool } from '../simd/simd-kernels.js';
import type { WasmMemory } from '../simd/webassembly-api.js';
import { KernelPool, type SpawnPoolWorker } from './kernel-pool.js';

interface ThreadsState {
  readonly memory: WasmMemory;
  readonly spawn: SpawnPoolWorker;
  pool: KernelPool | undefined;
}

let state: ThreadsState | undefined;
let change: Promise<number> = Promise.resolve(1);

/**
 * Gives the kernels on the shared heap `memory` a pool of `threads` threads (the caller and
 * `threads − 1` workers started with `spawn`), replacing the pool they had. Resolves with the
 * number of threads that compute.
 */
export function startKernelThreads(
  memory: WasmMemory,
  spawn: SpawnPoolWorker,
  threads: number,
): Promise<number> {
  state = { memory, spawn, pool: undefined };
  return resizeKernelThreads(threads);
}

/** Whether the kernels run on a shared heap whose thread count can change. */
export function kernelThreadsAvailable(): boolean {
  return state != null;
}

/**
 * Changes the number of threads of the pool set up by {@link startKernelThreads} (1: the
 * calling thread alone, no workers). Calls run one after another.
 */
export function resizeKernelThreads(threads: number): Promise<number> {
  change = change.then(async () => {
    const current = state;
    if (current == null) return 1;
    if ((current.pool?.threads ?? 1) === threads) return threads;
    current.pool?.close();
    current.pool = undefined;
    useKernelPool(current.memory, undefined);
    if (threads === 1) return 1;
    const pool = await KernelPool.start({
      threads,
      memory: current.memory,
      module: await sharedKernelModule(),
      kernels: splitKernelNames,
      spawn: current.spawn,
    });
    current.pool = pool;
    useKernelPool(current.memory, pool);
    return pool.threads;
  });
  const result = change;
  change = change.catch(() => 1);
  return result;
}

/** The threads the kernels compute with now. */
export function kernelThreads(): number {
  return state?.pool?.threads ?? 1;
}
