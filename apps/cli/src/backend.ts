import {
  BackendSelectionError,
  cpuCandidate,
  createBackendRegistry,
  wasmCandidate,
} from '@cnnkit/backends';
import { tensorflowCandidate } from '@cnnkit/backends/node';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import { UserError } from './user-errors.js';

// A variable, not a literal: @tensorflow/tfjs-node is the CLI's optional dependency (its install
// downloads libtensorflow), so neither tsc nor the bundler may require it. Imported from here,
// the package that declares it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';

/**
 * The CLI's backends, the one list of them: tensorflow (@tensorflow/tfjs-node) when it loads,
 * else wasm; cpu (slow) only when asked for with --backend.
 */
const registry = createBackendRegistry([
  {
    ...tensorflowCandidate(() => import(tfjsNodeModule)),
    hint:
      'Install it with `npm install @tensorflow/tfjs-node` (needs internet; if it is installed, ' +
      'run `npm rebuild @tensorflow/tfjs-node`), or pass --backend wasm.',
  },
  {
    ...wasmCandidate(() => startWasmTraining()),
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-wasm and @cnnkit/wasm-kernels match tfjs-core 4.22, or pass --backend cpu.',
  },
  {
    ...cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-cpu matches tfjs-core 4.22.',
    onlyWhenRequested: true,
  },
]);

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
 * backend and why faster ones were skipped. Throws a {@link UserError} when the requested
 * backend does not start (no silent fallback) or, without a request, one listing every failure.
 *
 * @example
 * ```ts
 * const backend = await selectBackend({ log: (line) => process.stderr.write(`${line}\n`) });
 * // stderr: backend: wasm (tensorflow unavailable: Cannot find module '@tensorflow/tfjs-node')
 * console.log(backend.name, backend.detail);
 * ```
 */
export async function selectBackend(options: {
  requested?: string;
  log: (line: string) => void;
}): Promise<ActiveBackend> {
  const { requested, log } = options;
  try {
    const { name, description, skipped } = await registry.select(
      requested == null ? {} : { requested },
    );
    if (requested != null) {
      log(`backend: ${name} (${description.detail})`);
    } else {
      const reasons = skipped.map((failure) => `${failure.name} unavailable: ${failure.reason}`);
      log(`backend: ${name}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`);
    }
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
