import type { BackendStatus, ThreadSetting } from '../protocol.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Makes the wasm backend's training kernels compute with `threads` (results do not depend on
 * it: every split kernel computes each output the same way on any thread) and reports wasm's
 * status with the count that now computes. Does nothing unless wasm is the active backend.
 */
async function applyWasmThreads(session: WorkerSession, threads: number): Promise<void> {
  const status = session.statuses.get('wasm');
  if (session.activeBackend !== 'wasm' || status?.state !== 'ok' || status.threads === threads) {
    return;
  }
  // Already loaded: the wasm backend was started from this module.
  const { setWasmTrainingThreads, wasmTrainingDetail } = await import('@cnnkit/wasm-kernels');
  const now = await setWasmTrainingThreads(threads);
  session.setStatus({ ...status, threads: now, detail: wasmTrainingDetail() });
}

/** The header's setting, between runs: only on the active wasm backend. */
export async function setWasmThreads(
  session: WorkerSession,
  threads: number,
): Promise<BackendStatus> {
  session.requireIdle('changing the threads');
  if (session.activeBackend !== 'wasm' || session.statuses.get('wasm')?.state !== 'ok') {
    throw new Error('threads apply to the wasm backend only: select wasm first');
  }
  await applyWasmThreads(session, threads);
  return session.statuses.get('wasm') as BackendStatus;
}

/** At the start of a run: the setting's count, or for 'auto' the one for its batch size. */
export async function applyThreadSetting(
  session: WorkerSession,
  setting: ThreadSetting,
  batchSize: number,
): Promise<void> {
  if (session.activeBackend !== 'wasm') return;
  const { defaultTrainingThreads } = await import('@cnnkit/wasm-kernels');
  await applyWasmThreads(
    session,
    setting === 'auto' ? defaultTrainingThreads(batchSize, navigator.hardwareConcurrency) : setting,
  );
}
