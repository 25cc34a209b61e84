import * as tf from '@tensorflow/tfjs-core';
import type {
  BackendAvailability,
  BackendCandidate,
  BackendDescription,
  BackendFailure,
  SelectedBackend,
} from './backend-candidate.js';
import { BackendSelectionError } from './backend-selection-error.js';
import { checkBackendTrains } from './check-backend-trains.js';
import { firstLine } from './first-line.js';

type StartResult =
  | { readonly ok: true; readonly description: BackendDescription }
  | { readonly ok: false; readonly reason: string };

/** Picks and reports TensorFlow.js backends from an app's list of candidates. */
export interface BackendRegistry {
  /** The candidates, highest priority first (ties in list order). */
  readonly candidates: readonly BackendCandidate[];
  /**
   * Makes a backend active and resolves with it. With `requested`, that backend or an error
   * (no silent fallback); without, the first candidate by priority (skipping
   * `onlyWhenRequested` ones) that starts and passes {@link checkBackendTrains}. Throws one
   * {@link BackendSelectionError} listing every candidate's failure and hint when none does.
   */
  select(options?: { readonly requested?: string }): Promise<SelectedBackend>;
  /**
   * Starts and checks every candidate, highest priority first, and reports each (also to
   * `onReport` as soon as it is known, for pages that show progress). Leaves the first that
   * works active, or the previously active backend when none does.
   */
  availability(options?: {
    readonly onReport?: (report: BackendAvailability) => void;
  }): Promise<BackendAvailability[]>;
}

/**
 * A registry over `candidates`, in the manner of onnxruntime-common's backend registry: each
 * candidate is started at most once (the promise is cached: imports, compilation and the
 * training check are slow, and a backend that failed once fails again), and starting one that
 * started before only makes it active again. Calls are queued, because the active tfjs backend
 * is global state.
 *
 * @example
 * ```ts
 * const registry = createBackendRegistry([
 *   cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')),
 * ]);
 * const backend = await registry.select();
 * backend.name; // 'cpu'
 * tf.getBackend(); // 'cpu'
 * ```
 */
export function createBackendRegistry(candidates: readonly BackendCandidate[]): BackendRegistry {
  const byName = new Map<string, BackendCandidate>();
  for (const candidate of candidates) {
    if (byName.has(candidate.name)) {
      throw new Error(`two backend candidates are named '${candidate.name}'; list each once`);
    }
    byName.set(candidate.name, candidate);
  }
  // Array.prototype.sort is stable, so equal priorities keep the app's order.
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority);
  const started = new Map<string, Promise<StartResult>>();
  let queue: Promise<unknown> = Promise.resolve();

  function queued<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task, task);
    queue = result.catch(() => undefined);
    return result;
  }

  async function startOnce(candidate: BackendCandidate): Promise<StartResult> {
    const before = started.get(candidate.name);
    if (before != null) {
      const result = await before;
      if (result.ok && tf.getBackend() !== candidate.name) await tf.setBackend(candidate.name);
      return result;
    }
    const attempt = startAndCheck(candidate);
    started.set(candidate.name, attempt);
    return attempt;
  }

  function failure(candidate: BackendCandidate, reason: string): BackendFailure {
    return { name: candidate.name, reason, hint: candidate.hint };
  }

  return {
    candidates: ordered,

    select: ({ requested } = {}) =>
      queued(async () => {
        if (requested != null) {
          const candidate = byName.get(requested);
          if (candidate == null) {
            throw new BackendSelectionError(
              `Unknown backend '${requested}'. Use one of: ${ordered.map((c) => c.name).join(', ')}.`,
              [],
            );
          }
          const result = await startOnce(candidate);
          if (!result.ok) {
            throw new BackendSelectionError(
              `The '${requested}' backend you asked for did not start: ${result.reason}. ${candidate.hint}`,
              [failure(candidate, result.reason)],
            );
          }
          return { name: requested, description: result.description, skipped: [] };
        }
        const skipped: BackendFailure[] = [];
        for (const candidate of ordered) {
          if (candidate.onlyWhenRequested) continue;
          const result = await startOnce(candidate);
          if (result.ok) return { name: candidate.name, description: result.description, skipped };
          skipped.push(failure(candidate, result.reason));
        }
        throw new BackendSelectionError(
          skipped.length === 0
            ? `No TensorFlow.js backend to choose from: every candidate (${ordered.map((c) => c.name).join(', ')}) is used only when requested by name.`
            : `No TensorFlow.js backend could start:\n${skipped.map((f) => `  ${f.name}: ${f.reason}. ${f.hint}`).join('\n')}`,
          skipped,
        );
      }),

    availability: ({ onReport } = {}) =>
      queued(async () => {
        const reports: BackendAvailability[] = [];
        for (const candidate of ordered) {
          const result = await startOnce(candidate);
          const experimental = candidate.experimental === true;
          const report: BackendAvailability = result.ok
            ? { name: candidate.name, ok: true, experimental, description: result.description }
            : { experimental, ...failure(candidate, result.reason), ok: false };
          reports.push(report);
          onReport?.(report);
        }
        const first = reports.find((report) => report.ok);
        if (first != null) await tf.setBackend(first.name);
        return reports;
      }),
  };
}

/**
 * Starts `candidate` and runs the training check on it. Never throws: a failure comes back
 * with its reason, and the backend that was active before stays active.
 */
async function startAndCheck(candidate: BackendCandidate): Promise<StartResult> {
  const previous: string | undefined = tf.getBackend();
  try {
    const description = await candidate.start();
    const active = tf.getBackend();
    if (active !== candidate.name) {
      throw new Error(`its start() left '${active}' active instead of '${candidate.name}'`);
    }
    await checkBackendTrains();
    return { ok: true, description };
  } catch (error) {
    // tf.setBackend records the name even when initialising fails; do not leave tfjs
    // pointing at a backend that does not work.
    if (previous != null && previous !== candidate.name && tf.getBackend() !== previous) {
      await tf.setBackend(previous).catch(() => false);
    }
    return { ok: false, reason: firstLine(error) };
  }
}
