import {
  BackendSelectionError,
  cpuCandidate,
  createBackendRegistry,
  wasmCandidate,
} from '@cnnkit/backends';
import { tensorflowCandidate } from '@cnnkit/backends/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import { UserError } from './user-errors.js';

// A variable, not a literal: @tensorflow/tfjs-node is an optional peer dependency the user adds
// (its install downloads libtensorflow), so neither tsc nor the bundler may require it. Imported
// from here, the package that declares it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';

/** The reason of a backend whose package is simply not installed: not worth a warning. */
export const NOT_INSTALLED = 'not installed';

async function importTfjsNode(): Promise<unknown> {
  try {
    return await import(tfjsNodeModule);
  } catch (error) {
    // Only the package itself missing; a missing file inside it is a broken install.
    const { code, message } = error as NodeJS.ErrnoException;
    const missing = code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${tfjsNodeModule}'`);
    throw missing ? new Error(NOT_INSTALLED) : error;
  }
}

/**
 * The CLI's backends, the one list of them: tensorflow (@tensorflow/tfjs-node) when it loads,
 * else wasm; cpu (slow) only when asked for with --backend.
 */
const registry = createBackendRegistry([
  {
    ...tensorflowCandidate(importTfjsNode),
    hint:
      'Install it next to cnnkit with `npm install @tensorflow/tfjs-node@4.22.0` (in a clone of ' +
      'cnnkit: `pnpm add -w @tensorflow/tfjs-node@4.22.0`); it downloads libtensorflow, so it ' +
      'needs internet. If it is installed, run `npm rebuild @tensorflow/tfjs-node`. Or pass --backend wasm.',
  },
  {
    ...wasmCandidate(() => startWasmTraining({ threads: wasmThreads, warn: false })),
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-wasm and @cnnkit/wasm-kernels match tfjs-core 4.22, or pass --backend cpu.',
  },
  {
    ...cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-cpu matches tfjs-core 4.22.',
    onlyWhenRequested: true,
  },
]);

/** `--threads`, read when the wasm backend starts (undefined: all logical cores). */
let wasmThreads: number | undefined;

/** The `--backend` choices, in the order they are tried. */
export const backendNames: readonly string[] = registry.candidates.map(({ name }) => name);

/** The backend that is running, with a one-line description for logs and run summaries. */
export interface ActiveBackend {
  readonly name: string;
  readonly detail: string;
}

/** Whether a backend starts and trains here (for `cnnkit info`). */
export interface BackendAvailability {
  readonly name: string;
  readonly ok: boolean;
  /** One line for people: versions and threads when `ok`, otherwise `reason`. */
  readonly detail: string;
  /** Why it did not start or failed the training check; only when not `ok`. */
  readonly reason?: string;
  /** The backend package's version; only when `ok`. */
  readonly version?: string;
  /** Threads the backend computes with, when it says. */
  readonly threads?: number;
}

/**
 * Picks the TensorFlow.js backend: the requested one, or else the first of tensorflow and wasm
 * that starts and passes @cnnkit/backends' training check. Writes one line to `log` naming the
 * backend and why faster ones were skipped (a backend that is simply not installed was not
 * chosen, not broken: it goes unmentioned). Throws a {@link UserError} when the requested
 * backend does not start (no silent fallback) or, without a request, one listing every failure.
 *
 * @example
 * ```ts
 * const backend = await selectBackend({ log: (line) => process.stderr.write(`${line}\n`) });
 * // stderr: backend: wasm (@tensorflow/tfjs-backend-wasm 4.22.0 + cnnkit kernels (relaxed SIMD, FMA), 2 threads)
 * console.log(backend.name, backend.detail);
 * ```
 */
export async function selectBackend(options: {
  requested?: string;
  /** `--threads` for the wasm backend; undefined: all logical cores. */
  threads?: number;
  log: (line: string) => void;
}): Promise<ActiveBackend> {
  const { requested, log } = options;
  wasmThreads = options.threads;
  try {
    const { name, description, skipped } = await registry.select(
      requested == null ? {} : { requested },
    );
    const reasons = skipped
      .filter((failure) => failure.reason !== NOT_INSTALLED)
      .map((failure) => `${failure.name} unavailable: ${failure.reason}`);
    log(`backend: ${name} (${reasons.length > 0 ? reasons.join('; ') : description.detail})`);
    return { name, detail: description.detail };
  } catch (error) {
    if (!(error instanceof BackendSelectionError)) throw error;
    throw new UserError(
      requested == null ? `${error.message}\nOr try --backend cpu (slow).` : error.message,
    );
  }
}

/**
 * Tries every backend (tensorflow, wasm, cpu) and reports which start and train here, for
 * `cnnkit info`.
 *
 * @example
 * ```ts
 * for (const backend of await availableBackends()) {
 *   console.log(`${backend.name}: ${backend.ok ? 'ok' : 'unavailable'} — ${backend.detail}`);
 * }
 * ```
 */
export async function availableBackends(): Promise<BackendAvailability[]> {
  return (await registry.availability()).map((report) => {
    if (!report.ok) {
      return { name: report.name, ok: false, detail: report.reason, reason: report.reason };
    }
    const { version, threads, detail } = report.description;
    return {
      name: report.name,
      ok: true,
      detail,
      version,
      ...(threads == null ? {} : { threads }),
    };
  });
}
