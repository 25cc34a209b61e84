/// <reference lib="webworker" />
/**
 * The training worker: owns TensorFlow.js, the data and the model, so the page stays
 * responsive while a step runs. Requests come from worker-client.ts (see protocol.ts); each
 * is handled by the module for its job, with the worker's one {@link WorkerSession}.
 */
import type { WorkerReply, WorkerRequest, WorkerResults } from '../protocol.js';
import { activateBackend, checkFirstBackend, checkRemainingBackends } from './backend-switching.js';
import { loadArchive, loadSample } from './data-loading.js';
import { errorMessage } from './error-message.js';
import { loadImageFolder } from './image-folder-loading.js';
import { inspect } from './inspection.js';
import { loadAirbenchCifar10, loadWeights, saveWeights } from './model-weights.js';
import { evalTransformOf } from './page-model.js';
import { predictTopK, singleImage } from './predictions.js';
import { runTraining } from './training-run.js';
import { setWasmThreads } from './wasm-threads.js';
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
  // Resolves once the first backend works; 'check-backends' checks the others.
  init: async () => {
    await session.exclusive(() => checkFirstBackend(session));
    return { isolated: self.crossOriginIsolated };
  },
  'check-backends': async () => {
    await checkRemainingBackends(session);
    return null;
  },
  'select-backend': (request) => session.exclusive(() => activateBackend(session, request.backend)),
  'set-threads': (request) => session.exclusive(() => setWasmThreads(session, request.threads)),
  'load-sample': () => loadSample(session),
  'load-archive': (request) => loadArchive(session, request.file),
  'load-image-folder': (request) => loadImageFolder(session, request.images),
  train: (request) => runTraining(session, request.settings, request.threads),
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
  inspect: () => session.exclusive(() => inspect(session)),
  'save-weights': () => session.exclusive(() => saveWeights(session)),
  // On demand: the exporters and protobufjs stay out of the worker's first download.
  'export-model': (request) =>
    session.exclusive(async () =>
      (await import('./model-export.js')).exportModel(session, request.format),
    ),
  'load-weights': (request) =>
    session.exclusive(() => loadWeights(session, request.bytes, request.name)),
  'load-airbench-cifar10': () => session.exclusive(() => loadAirbenchCifar10(session)),
  classify: (request) =>
    session.exclusive(async () => {
      session.requireData();
      const info = session.currentInfo();
      const { classNames } = info;
      const [top] = await predictTopK(
        session.currentModel(),
        singleImage(request.pixels, classNames),
        evalTransformOf(info),
      );
      if (!top) throw new Error('no prediction');
      return { top, classNames };
    }),
  benchmark: (request) =>
    session.exclusive(async () => {
      session.requireIdle('benchmarking');
      if (session.activeBackend !== request.backend) {
        await activateBackend(session, request.backend);
      }
      if (request.threads !== undefined) await setWasmThreads(session, request.threads);
      const threads = session.statuses.get(request.backend)?.threads ?? 1;
      const recipe = request.recipe ?? 'tutorial';
      // On demand: only bench-browser.mjs and the e2e tests ask for it.
      const { benchmarkTraining } = await import('./benchmark.js');
      const data = session.requireData().train;
      return { threads, recipe, ...(await benchmarkTraining(data, { ...request, recipe })) };
    }),
  'lose-webgl-context': () => session.activeBackend === 'webgl' && loseWebglContext(),
};

self.onmessage = async (message: MessageEvent<WorkerRequest & { id: number }>) => {
  const { id, ...request } = message.data;
  try {
    const handler = handlers[request.type] as Handler<typeof request.type>;
    const result = await handler(request as never);
    // Weights and downloads move to the page instead of being copied.
    const bytes =
      result instanceof Uint8Array
        ? result
        : (result as { bytes?: unknown } | null)?.bytes instanceof Uint8Array
          ? (result as { bytes: Uint8Array }).bytes
          : undefined;
    const transfer = bytes ? [bytes.buffer] : [];
    self.postMessage(
      { type: 'reply', id, ok: true, result } satisfies WorkerReply,
      transfer as Transferable[],
    );
  } catch (error) {
    // The whole message: some list their problems one per line (weights that do not fit).
    self.postMessage({
      type: 'reply',
      id,
      ok: false,
      error: errorMessage(error),
    } satisfies WorkerReply);
  }
};
