import {
  BackendSelectionError,
  cpuCandidate,
  createBackendRegistry,
  wasmCandidate,
} from '@cnnkit/backends';
import { tensorflowCandidate } from '@cnnkit/backends/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import type { BackendName } from './types.js';

// A variable, not a literal: @tensorflow/tfjs-node is optional (its install downloads
// libtensorflow), so neither tsc nor the bundler may require it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';

// The benchmark asks for each backend by name, so order and priorities do not matter here;
// the starts (and the training check) are the CLI's.
const registry = createBackendRegistry([
  tensorflowCandidate(() => import(tfjsNodeModule)),
  wasmCandidate(() => startWasmTraining(wasmThreads === undefined ? {} : { threads: wasmThreads })),
  cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
]);

/** Threads the wasm backend starts with (the most `--threads` asks for; undefined: all cores). */
let wasmThreads: number | undefined;

/** A backend that started, with versions for the machine report. */
export interface StartedBackend {
  readonly name: BackendName;
  readonly detail: string;
  readonly version: string;
  readonly threads?: number;
}

/** The result of {@link startBackend}: the backend, or why it did not start. */
export type BackendStart =
  | ({ readonly ok: true } & StartedBackend)
  | { readonly ok: false; readonly name: BackendName; readonly reason: string };

/**
 * Makes `name` the active tfjs backend, starting it on first use (the wasm backend with
 * cnnkit's training kernels, on the most of `threads`, default all cores) and checking that it trains. Never throws for a backend that
 * does not start: it comes back with `ok: false` and the reason, and the benchmark moves on.
 */
export async function startBackend(
  name: BackendName,
  threads?: readonly number[],
): Promise<BackendStart> {
  // The heap is shared only when the backend starts with more than one thread, so it starts
  // with the most threads asked for; the benchmark then sets each count in turn.
  wasmThreads = threads === undefined ? undefined : Math.max(...threads);
  try {
    const { description } = await registry.select({ requested: name });
    const { version, threads, detail } = description;
    return { ok: true, name, version, detail, ...(threads == null ? {} : { threads }) };
  } catch (error) {
    if (!(error instanceof BackendSelectionError)) throw error;
    return { ok: false, name, reason: error.failures[0]?.reason ?? error.message };
  }
}
