import * as tf from '@tensorflow/tfjs-core';
import { prepareWasmTrainingKernels } from './prepare-wasm-training-kernels.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { simdVariant } from './simd/simd-kernels.js';
import type { StartWasmTrainingOptions, WasmTrainingInfo } from './types.js';
import { explainWasmStartFailure, reasonOf } from './wasm-start-failure.js';

type TfjsBackendWasm = typeof import('@tensorflow/tfjs-backend-wasm');

const kernelLabels: Record<WasmTrainingInfo['kernels'], string> = {
  'relaxed-simd': 'relaxed SIMD, FMA',
  simd: 'SIMD',
  none: 'fallbacks: the SIMD module did not start',
};

/** After this long a threaded start that has not finished is probably stuck (see the notice). */
const slowThreadedStartMs = 20_000;

let startup: Promise<WasmTrainingInfo> | undefined;

/**
 * Starts TensorFlow.js's wasm backend for training: imports and registers
 * `@tensorflow/tfjs-backend-wasm`, applies `wasmPaths` and `threads`, runs
 * `await tf.setBackend('wasm')`, registers cnnkit's training kernels
 * ({@link registerWasmTrainingKernels}) and starts their SIMD module without blocking. Resolves
 * with what runs. Calling it again returns the first call's result.
 *
 * Rejects with one error saying why the backend did not start and what to do, e.g. when a
 * .wasm URL answers with a web page instead of the file ("… is not a .wasm file (text/html,
 * starting "<!doctype html>…") … Serve tfjs-backend-wasm's .wasm files and pass … wasmPaths").
 * Threads requested where the platform has none (a page that is not cross-origin isolated,
 * Node) give 1 thread, one console warning and the reason in `detail`.
 *
 * In Node, import it from `@cnnkit/wasm-kernels/node`, which also turns on relaxed SIMD on
 * Node 20.
 *
 * @example
 * ```ts
 * import '@cnnkit/tfjs-gradients'; // tfjs-core's gradient functions, in Node and bundlers
 * import { startWasmTraining } from '@cnnkit/wasm-kernels';
 *
 * // In a browser: startWasmTraining({ wasmPaths }) — see the README.
 * const info = await startWasmTraining();
 * tf.getBackend(); // 'wasm'
 * info.threads; // 1
 * ['relaxed-simd', 'simd'].includes(info.kernels); // true
 * console.log(info.detail); // e.g. @tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (SIMD), 1 thread
 * ```
 */
export function startWasmTraining(
  options: StartWasmTrainingOptions = {},
): Promise<WasmTrainingInfo> {
  const { threads } = options;
  if (threads != null && (!Number.isInteger(threads) || threads < 1)) {
    return Promise.reject(
      new Error(`@cnnkit/wasm-kernels: threads must be a whole number >= 1, got ${threads}.`),
    );
  }
  startup ??= start(options).catch((error: unknown) => {
    startup = undefined;
    throw error;
  });
  return startup;
}

async function start(options: StartWasmTrainingOptions): Promise<WasmTrainingInfo> {
  const requested = options.threads;
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
  const canThread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  let notice: string | undefined;
  if (requested != null && requested > 1 && !canThread) {
    notice = `${requested} threads requested, but ${whyNoThreads()}`;
    console.warn(`@cnnkit/wasm-kernels: ${notice}; running on 1 thread.`);
  }
  if (firstStart) {
    if (options.wasmPaths != null) wasm.setWasmPaths(options.wasmPaths);
    // threads: 1 selects its single-threaded build: no pthread workers at all.
    if (requested === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (requested != null && canThread) wasm.setThreadsCount(requested);
  }
  const threaded = firstStart && canThread && requested !== 1;

  const capture = captureInitError();
  let started: boolean;
  try {
    started = await withSlowStartNotice(tf.setBackend('wasm'), threaded);
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
  const threads = threadsCount(wasm);
  if (notice == null && requested != null && threads < requested && threaded) {
    // tfjs-backend-wasm 4.22 caps its thread pool at half the logical cores (at most 8).
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency;
    notice = `${requested} threads requested, but tfjs-backend-wasm uses at most half of the ${cores ?? 'unknown number of'} logical cores, up to 8`;
  }
  const detail =
    `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} + cnnkit kernels (${kernelLabels[kernels]}), ` +
    `${threads} thread${threads === 1 ? '' : 's'}${notice == null ? '' : ` (${notice})`}`;
  return { tfjsWasmVersion: wasm.version_wasm, threads, kernels, detail };
}

function whyNoThreads(): string {
  if (tf.env().getBool('IS_NODE')) return 'tfjs-backend-wasm runs single-threaded in Node';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return (
      'the page is not cross-origin isolated: serve it with the headers ' +
      '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"'
    );
  }
  return 'this browser has no WebAssembly threads';
}

function threadsCount(wasm: TfjsBackendWasm): number {
  try {
    return wasm.getThreadsCount();
  } catch {
    return 1;
  }
}

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

/**
 * `starting`, with one console warning if the threaded build has not started after a while:
 * when a bundler has broken its pthread workers, tfjs's start never finishes and says nothing.
 */
function withSlowStartNotice<T>(starting: Promise<T>, threaded: boolean): Promise<T> {
  if (!threaded) return starting;
  const timer = setTimeout(() => {
    console.warn(
      "@cnnkit/wasm-kernels: tfjs-backend-wasm's multi-threaded build has not started after " +
        `${slowThreadedStartMs / 1000} s. If the console shows worker errors such as "e is not ` +
        'defined", a minifier broke its pthread workers: add cnnkitWasm() from ' +
        "'@cnnkit/wasm-kernels/vite' to the Vite config (plugins and worker.plugins), or pass " +
        'threads: 1.',
    );
  }, slowThreadedStartMs);
  return starting.finally(() => clearTimeout(timer));
}
