/// <reference lib="webworker" />
/**
 * The training worker: owns TensorFlow.js, the data and the model, so the page stays
 * responsive while a step runs. Requests come from worker-client.ts (see protocol.ts).
 */
import { cifar10SampleUrl } from '@cnnkit/cifar10-sample';
import {
  type Cifar10Data,
  cifar10FromArchiveBytes,
  DataLoader,
  tutorialTransform,
} from '@cnnkit/datasets';
import { SimpleCNN } from '@cnnkit/models';
import { evaluate, NonFiniteLossError, SgdOptimizer, train } from '@cnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type {
  BackendName,
  BackendStatus,
  DataSummary,
  EvaluationSummary,
  Inspection,
  TrainOutcome,
  TrainSettings,
  WorkerEvent,
  WorkerReply,
  WorkerRequest,
  WorkerResults,
} from '../protocol.js';
import { BACKEND_ORDER, isExperimental, startBackend } from './backends.js';
import { benchmarkTraining } from './benchmark.js';
import { yieldToEventLoop } from './event-loop-yield.js';
import { filterImages } from './filter-images.js';
import { firstImages, predictTopK, singleImage } from './predictions.js';
import { readArchiveFile } from './read-archive-file.js';
import {
  fingerprintDifferences,
  measureTrainingStep,
  type StepFingerprint,
} from './training-step-check.js';
import { watchWebglContext } from './webgl-context.js';

declare const self: DedicatedWorkerGlobalScope;

const INSPECT_IMAGES = 24;
const TRAIN_EVAL_IMAGES = 2000;
/** GPU backends can lose their context; keep a CPU-side copy of the weights this often. */
const SNAPSHOT_MS = 10_000;

const statuses = new Map<BackendName, BackendStatus>();
let activeBackend: BackendName | undefined;
let data: { data: Cifar10Data; source: string } | undefined;
let model: SimpleCNN | undefined;
let lastGoodWeights: Uint8Array | undefined;

interface Run {
  readonly abort: AbortController;
  /** Settles when the GPU context is lost: a hung read-back must not keep the run waiting. */
  readonly lost: Promise<never>;
  loseContext?: (error: Error) => void;
  paused: boolean;
  resume?: () => void;
  contextLost: boolean;
  /** Timestamp since which throughput is measured (reset on pause and after evaluations). */
  since: number;
}
let run: Run | undefined;

function post(event: WorkerEvent): void {
  self.postMessage({ type: 'event', event } satisfies WorkerReply);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] ?? 'unknown error';
}

function currentModel(): SimpleCNN {
  model ??= SimpleCNN.create({ seed: 0 });
  return model;
}

function requireData(): Cifar10Data {
  if (!data)
    throw new Error('no data loaded yet; wait for the sample or load cifar-10-binary.tar.gz');
  return data.data;
}

// ---- backends ---------------------------------------------------------------------------

async function checkBackends(): Promise<void> {
  let reference: StepFingerprint | undefined;
  try {
    await startBackend('cpu');
    reference = measureTrainingStep();
  } catch (error) {
    reference = undefined;
    setStatus({ name: 'cpu', state: 'failed', detail: firstLine(error), experimental: false });
  }
  for (const name of BACKEND_ORDER) {
    setStatus({ name, state: 'checking', detail: 'checking…', experimental: isExperimental(name) });
  }
  for (const name of BACKEND_ORDER) {
    try {
      const description = await startBackend(name);
      if (!reference) throw new Error('no cpu reference to check against');
      const wrong = fingerprintDifferences(measureTrainingStep(), reference);
      if (wrong.length > 0) {
        throw new Error(
          `training step differs from the cpu backend: ${wrong.slice(0, 3).join(', ')}`,
        );
      }
      setStatus({ name, state: 'ok', experimental: isExperimental(name), ...description });
    } catch (error) {
      setStatus({
        name,
        state: 'failed',
        detail: firstLine(error),
        experimental: isExperimental(name),
      });
    }
  }
  const first = BACKEND_ORDER.find((name) => statuses.get(name)?.state === 'ok');
  if (!first) throw new Error('no TensorFlow.js backend passed the training check in this browser');
  await activate(first);
}

function setStatus(status: BackendStatus): void {
  statuses.set(status.name, status);
  post({ type: 'backend', status, active: status.name === activeBackend });
}

async function activate(name: BackendName): Promise<BackendStatus> {
  const status = statuses.get(name);
  if (status?.state !== 'ok') {
    throw new Error(`backend ${name} is not available: ${status?.detail ?? 'not checked yet'}`);
  }
  if (run) throw new Error('stop training before switching backends');
  const weights = model?.saveWeights();
  model?.dispose();
  model = undefined;
  await tf.setBackend(name);
  activeBackend = name;
  const fresh = currentModel();
  if (weights) fresh.loadWeights(weights);
  if (name === 'webgl') watchWebglContext(onWebglContextLost);
  for (const s of statuses.values()) post({ type: 'backend', status: s, active: s.name === name });
  return status;
}

function onWebglContextLost(): void {
  setStatus({
    name: 'webgl',
    state: 'failed',
    detail:
      'the WebGL context was lost (GPU reset or too many tabs); reload the page to use webgl again',
    experimental: false,
  });
  if (run) {
    run.contextLost = true;
    run.abort.abort();
    run.resume?.();
    run.loseContext?.(new Error('the WebGL context was lost'));
  } else if (activeBackend === 'webgl') {
    void recoverFromLostContext();
  }
}

/** Moves to the next working backend with the last weights read back before the loss. */
async function recoverFromLostContext(): Promise<void> {
  const fallback = BACKEND_ORDER.find((n) => n !== 'webgl' && statuses.get(n)?.state === 'ok');
  // The lost context's textures are gone: never read the model back from it.
  model = undefined;
  activeBackend = undefined;
  if (!fallback) return;
  await activate(fallback);
  if (lastGoodWeights) currentModel().loadWeights(lastGoodWeights);
}

// ---- data -------------------------------------------------------------------------------

/** Makes `loaded` the worker's data set and describes it for the page. */
function adoptData(source: string, loaded: Cifar10Data): DataSummary {
  data = { data: loaded, source };
  return {
    source,
    trainCount: loaded.train.count,
    testCount: loaded.test.count,
    classNames: loaded.train.classNames,
  };
}

async function loadSample(): Promise<DataSummary> {
  const response = await fetch(cifar10SampleUrl);
  if (!response.ok) throw new Error(`cannot fetch the embedded sample (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return adoptData('sample', cifar10FromArchiveBytes(bytes, 'cifar-10-sample.tar.gz'));
}

async function loadArchive(file: File): Promise<DataSummary> {
  if (run) throw new Error('stop training before loading other data');
  // Unpacking runs as the file is read; once it is all read, the images are decoded.
  const loaded = await readArchiveFile(file, file.name, (fraction) =>
    post({
      type: 'data-progress',
      phase: fraction < 1 ? 'decompressing' : 'reading images',
      fraction,
    }),
  );
  return adoptData(file.name, loaded);
}

// ---- training -----------------------------------------------------------------------------

function summariseEvaluation(result: {
  accuracy: number;
  loss: number;
  count: number;
  perClassAccuracy: readonly (number | null)[];
  confusionMatrix: readonly (readonly number[])[];
}): EvaluationSummary {
  const correct = result.confusionMatrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  return {
    accuracy: result.accuracy,
    loss: result.loss,
    correct,
    count: result.count,
    perClassAccuracy: result.perClassAccuracy,
    confusionMatrix: result.confusionMatrix,
  };
}

async function inspect(evaluation?: EvaluationSummary): Promise<Inspection> {
  const { test } = requireData();
  const net = currentModel();
  const summary =
    evaluation ??
    summariseEvaluation(
      await evaluate(
        net,
        new DataLoader(test, { batchSize: 500, transform: tutorialTransform() }),
        {
          numClasses: net.numClasses,
        },
      ),
    );
  const shown = firstImages(test, INSPECT_IMAGES);
  const tops = await predictTopK(net, shown);
  const imageBytes = 32 * 32 * 3;
  const conv1 = net.parameters.find((p) => p.name === 'conv1.weight')?.variable;
  if (!conv1) throw new Error('SimpleCNN has no conv1.weight');
  const filters = filterImages(
    (await conv1.data()) as Float32Array,
    conv1.shape as [number, number, number, number],
  );
  return {
    evaluation: summary,
    samples: tops.map((top, i) => ({
      pixels: shown.images.slice(i * imageBytes, (i + 1) * imageBytes),
      label: shown.labels[i] as number,
      top,
    })),
    filters,
    filterSize: conv1.shape[0] as number,
  };
}

async function startTraining(settings: TrainSettings): Promise<TrainOutcome> {
  if (run) throw new Error('training is already running');
  const { train: trainSet, test } = requireData();
  const backend = activeBackend;
  if (!backend) throw new Error('no backend is active');
  const trainData = new DataLoader(trainSet, {
    batchSize: settings.batchSize,
    shuffle: true,
    seed: settings.seed,
    limit: settings.limit ?? undefined,
    transform: tutorialTransform(),
  });
  const testData = new DataLoader(test, { batchSize: 500, transform: tutorialTransform() });
  const trainEval = new DataLoader(trainSet, {
    batchSize: 500,
    limit: Math.min(TRAIN_EVAL_IMAGES, trainData.imagesPerEpoch),
    transform: tutorialTransform(),
  });
  model?.dispose();
  model = SimpleCNN.create({ seed: settings.seed });
  const net = model;
  const optimizer = new SgdOptimizer(net.parameters, {
    lr: settings.lr,
    momentum: settings.momentum,
  });
  lastGoodWeights = net.saveWeights();
  let snapshotAt = performance.now();
  let snapshotStep = 0;
  let loseContext: ((error: Error) => void) | undefined;
  const lost = new Promise<never>((_, reject) => {
    loseContext = reject;
  });
  lost.catch(() => undefined);
  const current: Run = {
    abort: new AbortController(),
    lost,
    loseContext,
    paused: false,
    contextLost: false,
    since: performance.now(),
  };
  run = current;
  let steps: number[] = [];
  let losses: number[] = [];
  let images = 0;
  let lastPost = performance.now();
  let position = { epoch: 0, batch: 0 };
  let lastStep = 0;
  const flush = () => {
    const now = performance.now();
    const seconds = (now - current.since) / 1000;
    post({
      type: 'progress',
      steps,
      losses,
      imagesPerSecond: seconds > 0 ? images / seconds : 0,
      epoch: position.epoch,
      batch: position.batch,
      batchesPerEpoch: trainData.batchesPerEpoch,
    });
    steps = [];
    losses = [];
    images = 0;
    current.since = now;
    lastPost = now;
  };
  try {
    const training = train({
      model: net,
      optimizer,
      trainData,
      testData,
      epochs: settings.epochs,
      checkpointAtEpochEnd: false,
      signal: current.abort.signal,
      onEvent: async (event) => {
        if (event.type === 'batch-end') {
          steps.push(event.step);
          losses.push(event.loss);
          lastStep = event.step;
          images += Math.min(
            settings.batchSize,
            trainData.imagesPerEpoch - event.batch * settings.batchSize,
          );
          position = { epoch: event.epoch, batch: event.batch + 1 };
          const now = performance.now();
          if (now - lastPost >= 250) flush();
          if (backend !== 'wasm' && backend !== 'cpu' && now - snapshotAt >= SNAPSHOT_MS) {
            lastGoodWeights = net.saveWeights();
            snapshotAt = performance.now();
            snapshotStep = event.step;
          }
          await yieldToEventLoop();
          if (current.paused) {
            flush();
            await new Promise<void>((resolve) => {
              current.resume = resolve;
            });
            current.resume = undefined;
            current.since = performance.now();
            lastPost = current.since;
          }
        } else if (event.type === 'epoch-end' && event.test) {
          flush();
          const trainResult = await evaluate(net, trainEval, { numClasses: net.numClasses });
          post({
            type: 'epoch',
            epoch: event.epoch,
            step: event.step,
            trainLoss: event.trainLoss,
            trainAccuracy: trainResult.accuracy,
            trainEvalCount: trainResult.count,
            testAccuracy: event.test.accuracy,
          });
          lastGoodWeights = net.saveWeights();
          snapshotAt = performance.now();
          snapshotStep = event.step;
          post({ type: 'inspection', inspection: await inspect(summariseEvaluation(event.test)) });
          current.since = performance.now();
          lastPost = current.since;
        }
      },
    });
    const result = await Promise.race([training, current.lost]);
    if (current.contextLost) throw new Error('context lost');
    flush();
    const final = result.state.history.at(-1)?.test;
    if (result.stopReason === 'aborted') {
      return {
        reason: 'stopped',
        message: `Stopped after step ${result.state.step}.`,
        step: result.state.step,
      };
    }
    return {
      reason: 'completed',
      message: `Finished ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'} (${result.state.step} steps)${
        final ? `: test accuracy ${(100 * final.accuracy).toFixed(1)} %` : ''
      }.`,
      step: result.state.step,
    };
  } catch (error) {
    if (current.contextLost) {
      // The abandoned run may never settle (its read-back waits on a dead context); its
      // optimizer and tensors lived on that context and are gone with it.
      run = undefined;
      await recoverFromLostContext();
      return {
        reason: 'context-lost',
        message: `The WebGL context was lost at step ${lastStep}; training stopped. The last copy of the weights taken before the loss (step ${snapshotStep}) was kept and moved to ${activeBackend ?? 'no backend'}.`,
        step: lastStep,
      };
    }
    if (error instanceof NonFiniteLossError) {
      return {
        reason: 'non-finite-loss',
        message: `The loss became ${error.loss} at epoch ${error.epoch + 1}, batch ${error.batch + 1} (lr ${settings.lr}); training stopped and the weights of the last good step were kept. Try a smaller learning rate.`,
        step: lastStep,
      };
    }
    // Unexpected: keep the stack for bug reports.
    console.error(error);
    return { reason: 'error', message: `Training failed: ${firstLine(error)}`, step: lastStep };
  } finally {
    try {
      optimizer.dispose();
    } catch {
      // After a lost context its buffers are already gone.
    }
    run = undefined;
  }
}

// ---- requests -----------------------------------------------------------------------------

type Handler<K extends WorkerRequest['type']> = (
  request: Extract<WorkerRequest, { type: K }>,
) => Promise<WorkerResults[K]> | WorkerResults[K];

const handlers: { [K in WorkerRequest['type']]: Handler<K> } = {
  init: async () => {
    await checkBackends();
    return { isolated: self.crossOriginIsolated };
  },
  'select-backend': (request) => activate(request.backend),
  'load-sample': () => loadSample(),
  'load-archive': (request) => loadArchive(request.file),
  train: (request) => startTraining(request.settings),
  pause: () => {
    if (run) run.paused = true;
    return null;
  },
  resume: () => {
    if (run) {
      run.paused = false;
      run.resume?.();
    }
    return null;
  },
  stop: () => {
    if (run) {
      run.abort.abort();
      run.paused = false;
      run.resume?.();
    }
    return null;
  },
  inspect: () => inspect(),
  'save-weights': () => currentModel().saveWeights(),
  'load-weights': async (request) => {
    if (run) throw new Error('stop training before loading weights');
    try {
      currentModel().loadWeights(request.bytes);
    } catch (error) {
      throw new Error(`${request.name}: ${firstLine(error)}`);
    }
    lastGoodWeights = request.bytes;
    return inspect();
  },
  classify: async (request) => {
    const [top] = await predictTopK(
      currentModel(),
      singleImage(request.pixels, requireData().test.classNames),
    );
    if (!top) throw new Error('no prediction');
    return top;
  },
  benchmark: async (request) => {
    if (run) throw new Error('stop training before benchmarking');
    if (activeBackend !== request.backend) await activate(request.backend);
    return benchmarkTraining(requireData().train, request);
  },
  'lose-webgl-context': () => {
    if (activeBackend !== 'webgl') return false;
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    const extension = gl?.getExtension('WEBGL_lose_context');
    extension?.loseContext();
    return extension != null;
  },
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
