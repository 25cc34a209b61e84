import * as tf from '@tensorflow/tfjs-core';
import { prepareWasmTrainingKernels } from './prepare-wasm-training-kernels.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { simdVariant } from './simd/simd-kernels.js';
import type { WasmMemory } from './simd/webassembly-api.js';
import { maxThreads } from './threads/control-block.js';
import type { SpawnPoolWorker } from './threads/kernel-pool.js';
import { kernelThreads, startKernelThreads } from './threads/kernel-threads.js';
import { spawnWebWorker } from './threads/spawn-web-worker.js';
import { startWithSharedMemory } from './threads/start-with-shared-memory.js';
import type { StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';
import { explainWasmStartFailure, reasonOf } from './wasm-start-failure.js';

type TfjsBackendWasm = typeof import('@tensorflow/tfjs-backend-wasm');

const kernelLabels: Record<WasmTrainingInfo['kernels'], string> = {
  'relaxed-simd': 'relaxed SIMD, FMA',
  simd: 'SIMD',
  none: 'fallbacks: the SIMD module did not start',
};

let startup: Promise<WasmTrainingInfo> | undefined;

/** What the backend started with: the parts of `detail` that do not change with the threads. */
interface StartedBackend {
  readonly tfjsWasmVersion: string;
  readonly kernels: WasmTrainingInfo['kernels'];
  /** Why fewer threads run than were asked for, when they do. */
  readonly notice: string | undefined;
}

let startedBackend: StartedBackend | undefined;

function detailLine(backend: StartedBackend, threads: number): string {
  const { tfjsWasmVersion, kernels, notice } = backend;
  return (
    `@tensorflow/tfjs-backend-wasm ${tfjsWasmVersion} + cnnkit kernels (${kernelLabels[kernels]}), ` +
    `${threads} thread${threads === 1 ? '' : 's'}${notice == null ? '' : ` (${notice})`}`
  );
}

/**
 * `startWasmTraining()`'s `detail` line for the threads the kernels compute with now, e.g.
 * after `setWasmTrainingThreads()` changed them: for an app's status line. Throws before
 * `startWasmTraining()` has resolved.
 *
 * @example
 * ```ts
 * import { setWasmTrainingThreads, startWasmTraining, wasmTrainingDetail } from '@cnnkit/wasm-kernels/node';
 *
 * await startWasmTraining({ threads: 2 });
 * await setWasmTrainingThreads(1);
 * wasmTrainingDetail().endsWith('), 1 thread'); // true
 * await setWasmTrainingThreads(2);
 * wasmTrainingDetail().endsWith('), 2 threads'); // true
 * ```
 */
export function wasmTrainingDetail(): string {
  if (startedBackend == null) {
    throw new Error(
      '@cnnkit/wasm-kernels: the wasm backend has not started; await startWasmTraining() first.',
    );
  }
  return detailLine(startedBackend, kernelThreads());
}

/** How a platform's entry starts threads: Node's worker_threads, or Web Workers. */
export interface ThreadsPlatform {
  /** Starts a pool worker. */
  readonly spawn: SpawnPoolWorker;
  /** The threads used when none are asked for: the logical cores. */
  defaultThreads(): number;
  /** Why threads cannot run here, or undefined when they can. */
  whyNoThreads(): string | undefined;
}

/**
 * Starts TensorFlow.js's wasm backend for training: imports and registers
 * `@tensorflow/tfjs-backend-wasm`, applies `wasmPaths`, runs `await tf.setBackend('wasm')`,
 * registers cnnkit's training kernels ({@link registerWasmTrainingKernels}), starts their SIMD
 * module without blocking and, for more than one thread, the kernel threads: Web Workers that
 * share the backend's heap and take their part of every large kernel call. Resolves with what
 * runs. Calling it again returns the first call's result; `setWasmTrainingThreads()` changes
 * the number of threads later.
 *
 * `threads` defaults to the logical cores (`navigator.hardwareConcurrency`). Threads need a
 * cross-origin isolated page (SharedArrayBuffer); elsewhere it runs on 1 thread, with one
 * console warning and the reason in `detail`.
 *
 * Rejects with one error saying why the backend did not start and what to do, e.g. when a
 * .wasm URL answers with a web page instead of the file ("… is not a .wasm file (text/html,
 * starting "<!doctype html>…") … Serve tfjs-backend-wasm's .wasm files and pass … wasmPaths").
 *
 * In Node, import it from `@cnnkit/wasm-kernels/node`, which starts threads as worker_threads
 * and turns on relaxed SIMD on Node 20; this entry runs on 1 thread in Node.
 *
 * @example
 * ```ts
 * import '@cnnkit/tfjs-gradients'; // tfjs-core's gradient functions, in Node and bundlers
 * import { startWasmTraining } from '@cnnkit/wasm-kernels';
 *
 * // In a browser: startWasmTraining({ wasmPaths }) — see the README.
 * const info = await startWasmTraining({ threads: 1 });
 * tf.getBackend(); // 'wasm'
 * info.threads; // 1
 * ['relaxed-simd', 'simd'].includes(info.kernels); // true
 * console.log(info.detail); // e.g. @tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (SIMD), 1 thread
 * ```
 */
export function startWasmTraining(
  options: StartWasmTrainingOptions = {},
): Promise<WasmTrainingInfo> {
  return startWasmTrainingOn(webThreads, options);
}

/** {@link startWasmTraining} with a platform's way of starting threads. */
export function startWasmTrainingOn(
  platform: ThreadsPlatform,
  options: StartWasmTrainingOptions,
): Promise<WasmTrainingInfo> {
  const { threads } = options;
  if (threads != null && !isThreadCount(threads)) {
    return Promise.reject(
      new Error(
        `@cnnkit/wasm-kernels: threads must be a whole number from 1 to ${maxThreads}, got ${threads}.`,
      ),
    );
  }
  startup ??= start(platform, options).catch((error: unknown) => {
    startup = undefined;
    throw error;
  });
  return startup;
}

/** Whether `threads` is a thread count a pool can have. */
export function isThreadCount(threads: number): boolean {
  return Number.isInteger(threads) && threads >= 1 && threads <= maxThreads;
}

async function start(
  platform: ThreadsPlatform,
  options: StartWasmTrainingOptions,
): Promise<WasmTrainingInfo> {
  const requested = options.threads ?? Math.max(1, Math.min(maxThreads, platform.defaultThreads()));
  let wasm: TfjsBackendWasm;
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new Error(
      `@cnnkit/wasm-kernels: @tensorflow/tfjs-backend-wasm could not be imported (${reasonOf(error)}); install it with @tensorflow/tfjs-core, the same version.`,
    );
  }
  // Settings apply to the backend's first start only (tfjs starts it once per page or process).
  const firstStart = !('wasm' in tf.engine().registry);
  let notice = requested > 1 ? platform.whyNoThreads() : undefined;
  if (firstStart) {
    if (options.wasmPaths != null) wasm.setWasmPaths(options.wasmPaths);
    // cnnkit's kernel threads replace tfjs's pthread build, which Node never gets and which
    // browsers get with a pool of half the cores that only its XNNPACK kernels use.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  const shareHeap = firstStart && requested > 1 && notice == null;

  const capture = captureInitError();
  let started: boolean;
  let memory: WasmMemory | undefined;
  try {
    if (shareHeap) ({ result: started, memory } = await startWithSharedMemory(setWasmBackend));
    else started = await setWasmBackend();
  } finally {
    capture.restore();
  }
  if (!started) {
    throw new Error(
      await explainWasmStartFailure({ wasmPaths: options.wasmPaths, initError: capture.error() }),
    );
  }
  registerWasmTrainingKernels();
  const kernels = (await prepareWasmTrainingKernels()) ? simdVariant() : 'none';
  let threads = 1;
  if (requested > 1 && notice == null) {
    if (memory == null) {
      notice = firstStart
        ? "tfjs-backend-wasm's heap could not be shared"
        : 'the wasm backend was started before startWasmTraining(), without a shared heap';
    } else if (kernels === 'none') {
      notice = "cnnkit's SIMD module did not start";
    } else {
      try {
        threads = await startKernelThreads(memory, platform.spawn, requested);
      } catch (error) {
        notice = `the kernel threads did not start (${reasonOf(error)})`;
      }
    }
  }
  if (notice != null) {
    notice = `${requested} threads requested, but ${notice}`;
    if (options.warn !== false) {
      console.warn(`@cnnkit/wasm-kernels: ${notice}; running on 1 thread.`);
    }
  }
  startedBackend = { tfjsWasmVersion: wasm.version_wasm, kernels, notice };
  return {
    tfjsWasmVersion: wasm.version_wasm,
    threads,
    kernels,
    detail: detailLine(startedBackend, threads),
  };
}

const setWasmBackend = (): Promise<boolean> => tf.setBackend('wasm');

/** Web Workers, where the page is cross-origin isolated. */
const webThreads: ThreadsPlatform = {
  spawn: spawnWebWorker,
  defaultThreads: () =>
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1,
  whyNoThreads() {
    if (tf.env().getBool('IS_NODE')) {
      return "this entry starts no threads in Node (import startWasmTraining from '@cnnkit/wasm-kernels/node')";
    }
    if (
      typeof SharedArrayBuffer === 'undefined' ||
      (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true
    ) {
      return (
        'the page is not cross-origin isolated: serve it with the headers ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"'
      );
    }
    if (typeof (globalThis as { Worker?: unknown }).Worker !== 'function') {
      return 'Web Workers cannot be started here';
    }
    return undefined;
  },
};

/**
 * tfjs-core turns a failed backend start into `setBackend() === false` (printing the reason
 * only outside production mode); wrapping the registered factory keeps the reason for the
 * error. Does nothing when the backend already started.
 */
function captureInitError(): { error(): unknown; restore(): void } {
  const engine = tf.engine();
  const entry = engine.registryFactory.wasm;
  if (entry == null || 'wasm' in engine.registry) {
    return { error: () => undefined, restore: () => {} };
  }
  const { factory } = entry;
  let failure: unknown;
  entry.factory = async () => {
    try {
      return await factory();
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  return {
    error: () => failure,
    restore: () => {
      entry.factory = factory;
    },
  };
}
