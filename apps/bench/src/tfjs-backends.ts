// Backend loading duplicated in small from apps/cli/src/backend.ts (apps do not import each
// other). It differs on purpose: no fallback and no training check — the benchmark asks for
// each backend by name, reports the ones that fail to load and moves on.
import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './types.js';

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

// A variable, not a literal: @tensorflow/tfjs-node is optional (its install downloads
// libtensorflow), so neither tsc nor the bundler may require it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';

async function load(name: BackendName): Promise<Omit<StartedBackend, 'name'>> {
  switch (name) {
    case 'tensorflow': {
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      type Versions = { version?: Record<string, string> };
      const tfjsNode = (await import(tfjsNodeModule)) as Versions & { default?: Versions };
      const version = (tfjsNode.version ?? tfjsNode.default?.version)?.['tfjs-node'] ?? 'unknown';
      await setBackend(name);
      return { version, detail: `@tensorflow/tfjs-node ${version} (libtensorflow)` };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      await setBackend(name);
      const { registerWasmTrainingKernels } = await import('@cnnkit/wasm-kernels');
      registerWasmTrainingKernels();
      const threads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : 1;
      // As the CLI does: on Node 20 the fused multiply-add build needs a V8 flag. Say which ran.
      const { enableRelaxedSimd } = await import('@cnnkit/wasm-kernels/node');
      const simd = enableRelaxedSimd() === 'relaxed-simd' ? 'relaxed SIMD (FMA)' : 'SIMD';
      return {
        version: wasm.version_wasm,
        threads,
        detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} + @cnnkit/wasm-kernels (${simd}), ${threads} thread${threads === 1 ? '' : 's'}`,
      };
    }
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      await setBackend(name);
      // Silences the one-time "looks like you are running TensorFlow.js in Node.js" advice.
      const backend = tf.backend() as unknown as { firstUse?: boolean };
      backend.firstUse = false;
      return {
        version: tf.version_core,
        detail: `@tensorflow/tfjs-backend-cpu ${tf.version_core} (plain JavaScript)`,
      };
    }
  }
}

async function setBackend(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) {
    throw new Error(`tf.setBackend('${name}') failed to initialise it`);
  }
}

const started = new Map<BackendName, Promise<BackendStart>>();

/**
 * Makes `name` the active tfjs backend, loading it on first use (the wasm backend with
 * cnnkit's training kernels). Never throws: a backend that does not load comes back with
 * `ok: false` and the first line of the error.
 */
export async function startBackend(name: BackendName): Promise<BackendStart> {
  let attempt = started.get(name);
  if (attempt === undefined) {
    attempt = load(name).then(
      (backend): BackendStart => ({ ok: true, name, ...backend }),
      (error: unknown): BackendStart => ({ ok: false, name, reason: firstLine(error) }),
    );
    started.set(name, attempt);
    return attempt;
  }
  const result = await attempt;
  if (result.ok && tf.getBackend() !== name) await setBackend(name);
  return result;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.trim().split('\n')[0]?.trim() || 'unknown error').replace(/\.+$/, '');
}
