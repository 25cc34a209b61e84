import { type BackendAvailability, BackendSelectionError } from '@cnnkit/backends';
import type { BackendName, BackendStatus } from '../protocol.js';
import { firstLine } from './first-line.js';
import { modelBytes } from './model-bytes.js';
import { watchWebglContext } from './webgl-context.js';
import type { WorkerSession } from './worker-session.js';

function statusOf(report: BackendAvailability): BackendStatus {
  if (!report.ok) {
    return {
      name: report.name,
      state: 'failed',
      detail: report.reason,
      experimental: report.experimental,
    };
  }
  const { detail, threads, simd } = report.description;
  return {
    name: report.name,
    state: 'ok',
    detail,
    experimental: report.experimental,
    ...(threads == null ? {} : { threads }),
    ...(simd == null ? {} : { simd }),
  };
}

/** Starts and checks one backend (leaving it active when it works) and reports it. */
async function checkBackend(session: WorkerSession, name: BackendName): Promise<boolean> {
  const candidate = session.backends.candidates.find((c) => c.name === name);
  const experimental = candidate?.experimental === true;
  try {
    const { description } = await session.backends.select({ requested: name });
    session.setStatus(statusOf({ name, ok: true, experimental, description }));
    return true;
  } catch (error) {
    // The registry's message adds the hint for a CLI user; the page shows the reason alone.
    const reason =
      error instanceof BackendSelectionError
        ? (error.failures[0]?.reason ?? firstLine(error))
        : firstLine(error);
    session.setStatus({ name, state: 'failed', detail: reason, experimental });
    return false;
  }
}

/**
 * Checks the backends in the list's order until one works and makes it the active one, so the
 * visitor can train as soon as the default backend is ready (wasm: a few seconds); the
 * others wait for {@link checkRemainingBackends}. Throws when no backend works.
 */
export async function checkFirstBackend(session: WorkerSession): Promise<void> {
  const names = session.backends.candidates.map(({ name }) => name);
  for (const { name, experimental } of session.backends.candidates) {
    session.setStatus({
      name,
      state: 'checking',
      detail: 'checking…',
      experimental: !!experimental,
    });
  }
  for (const name of names) {
    if (await checkBackend(session, name)) {
      await activateBackend(session, name);
      return;
    }
  }
  throw new Error('no TensorFlow.js backend passed the training check in this browser');
}

/**
 * Checks every backend not checked yet, one per task of the session's queue (see
 * {@link WorkerSession.exclusive}), so the page's requests (a training run) go between two
 * checks instead of after all of them. The page shows each as it is known.
 */
export async function checkRemainingBackends(session: WorkerSession): Promise<void> {
  const unchecked = session.backends.candidates.filter(
    ({ name }) => session.statuses.get(name)?.state === 'checking',
  );
  for (const { name } of unchecked) {
    await session.exclusive(async () => {
      await checkBackend(session, name);
      // The check left its backend active: back to the one the model lives on.
      const active = session.activeBackend;
      if (active !== undefined) await session.backends.select({ requested: active });
    });
  }
}

/** Moves the model (with its weights) to backend `name` and makes it the active one. */
export async function activateBackend(
  session: WorkerSession,
  name: BackendName,
): Promise<BackendStatus> {
  const status = session.statuses.get(name);
  if (status?.state !== 'ok') {
    throw new Error(`backend ${name} is not available: ${status?.detail ?? 'not checked yet'}`);
  }
  session.requireIdle('switching backends');
  const weights = session.model ? await modelBytes(session.model) : undefined;
  session.model?.dispose();
  session.model = undefined;
  await session.backends.select({ requested: name });
  session.activeBackend = name;
  const fresh = session.currentModel();
  if (weights) fresh.loadWeights(weights);
  if (name === 'webgl') {
    watchWebglContext(session.watchedCanvases, () => void onWebglContextLost(session));
  }
  for (const s of session.statuses.values()) {
    session.post({ type: 'backend', status: s, active: s.name === name });
  }
  return status;
}

async function onWebglContextLost(session: WorkerSession): Promise<void> {
  session.setStatus({
    name: 'webgl',
    state: 'failed',
    detail:
      'the WebGL context was lost (GPU reset or too many tabs); reload the page to use webgl again',
    experimental: false,
  });
  if (session.run) {
    // The run ends itself and then calls recoverFromLostContext.
    session.run.loseContext();
  } else if (session.activeBackend === 'webgl') {
    await session.exclusive(() => recoverFromLostContext(session));
  }
}

/** Moves to the next working backend with the last weights read back before the loss. */
export async function recoverFromLostContext(session: WorkerSession): Promise<void> {
  const fallback = session.backends.candidates.find(
    ({ name }) => name !== 'webgl' && session.statuses.get(name)?.state === 'ok',
  );
  // The lost context's textures are gone: never read the model back from it.
  session.model = undefined;
  session.activeBackend = undefined;
  if (!fallback) return;
  await activateBackend(session, fallback.name);
  if (session.lastGoodWeights) session.currentModel().loadWeights(session.lastGoodWeights);
}
