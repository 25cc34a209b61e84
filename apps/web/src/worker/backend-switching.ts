import type { BackendAvailability } from '@cnnkit/backends';
import type { BackendName, BackendStatus } from '../protocol.js';
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

/**
 * Starts and checks every backend, reporting each to the page as it is known, then activates
 * the first that works. Throws when none does.
 */
export async function checkBackends(session: WorkerSession): Promise<void> {
  for (const { name, experimental } of session.backends.candidates) {
    session.setStatus({
      name,
      state: 'checking',
      detail: 'checking…',
      experimental: !!experimental,
    });
  }
  const reports = await session.backends.availability({
    onReport: (report) => session.setStatus(statusOf(report)),
  });
  const first = reports.find((report) => report.ok);
  if (!first) throw new Error('no TensorFlow.js backend passed the training check in this browser');
  await activateBackend(session, first.name);
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
  const weights = session.model?.saveWeights();
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
    await recoverFromLostContext(session);
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
