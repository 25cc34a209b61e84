/// <reference lib="webworker" />
/**
 * The training worker: owns TensorFlow.js, the data and the model, so the page stays
 * responsive while a step runs. Requests come from worker-client.ts (see protocol.ts); each
 * is handled by the module for its job, with the worker's one {@link WorkerSession}.
 */
import type { WorkerReply, WorkerRequest, WorkerResults } from '../protocol.js';
import { activateBackend, checkBackends } from './backend-switching.js';
import { benchmarkTraining } from './benchmark.js';
import { loadArchive, loadSample } from './data-loading.js';
import { firstLine } from './first-line.js';
import { inspect } from './inspection.js';
import { loadWeights, saveWeights } from './model-weights.js';
import { predictTopK, singleImage } from './predictions.js';
import { runTraining } from './training-run.js';
import { loseWebglContext } from './webgl-context.js';
import { WorkerSession } from './worker-session.js';

declare const self: DedicatedWorkerGlobalScope;

const session = new WorkerSession((event) =>
  self.postMessage({ type: 'event', event } satisfies WorkerReply),
);

type Handler<K extends WorkerRequest['type']> = (
  request: Extract<WorkerRequest, { type: K }>,
) => Promise<WorkerResults[K]> | WorkerResults[K];

const handlers: { [K in WorkerRequest['type']]: Handler<K> } = {
  init: async () => {
    await checkBackends(session);
    return { isolated: self.crossOriginIsolated };
  },
  'select-backend': (request) => activateBackend(session, request.backend),
  'load-sample': () => loadSample(session),
  'load-archive': (request) => loadArchive(session, request.file),
  train: (request) => runTraining(session, request.settings),
  pause: () => {
    session.run?.pause();
    return null;
  },
  resume: () => {
    session.run?.resume();
    return null;
  },
  stop: () => {
    session.run?.stop();
    return null;
  },
  inspect: () => inspect(session),
  'save-weights': () => saveWeights(session),
  'load-weights': (request) => loadWeights(session, request.bytes, request.name),
  classify: async (request) => {
    const [top] = await predictTopK(
      session.currentModel(),
      singleImage(request.pixels, session.requireData().test.classNames),
    );
    if (!top) throw new Error('no prediction');
    return top;
  },
  benchmark: async (request) => {
    session.requireIdle('benchmarking');
    if (session.activeBackend !== request.backend) await activateBackend(session, request.backend);
    return benchmarkTraining(session.requireData().train, request);
  },
  'lose-webgl-context': () => session.activeBackend === 'webgl' && loseWebglContext(),
};

self.onmessage = async (message: MessageEvent<WorkerRequest & { id: number }>) => {
  const { id, ...request } = message.data;
  try {
    const handler = handlers[request.type] as Handler<typeof request.type>;
    const result = await handler(request as never);
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    self.postMessage(
      { type: 'reply', id, ok: true, result } satisfies WorkerReply,
      transfer as Transferable[],
    );
  } catch (error) {
    self.postMessage({
      type: 'reply',
      id,
      ok: false,
      error: firstLine(error),
    } satisfies WorkerReply);
  }
};
