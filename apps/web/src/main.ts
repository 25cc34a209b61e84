/**
 * The page: draws what the training worker reports and sends it the visitor's requests.
 * TensorFlow.js never loads on this thread, so the initial bundle stays small.
 */
import './style.css';
import { imageFileToRgb } from './image/image-file-to-rgb.js';
import type {
  BackendName,
  DataSummary,
  Inspection,
  TrainOutcome,
  WorkerEvent,
} from './protocol.js';
import { BackendList } from './ui/backend-list.js';
import { TrainingCharts } from './ui/charts.js';
import { acceptDroppedFile, onFileChosen } from './ui/drop-target.js';
import { type InspectionElements, renderInspection } from './ui/inspection-view.js';
import { drawRgb } from './ui/rgb-canvas.js';
import { runtimeTexts } from './ui/runtime-header.js';
import { renderTopK } from './ui/top-k-bars.js';
import { parseTrainSettings } from './ui/train-settings.js';
import { WorkerClient } from './worker-client.js';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const ui = {
  backend: byId('runtime-backend'),
  threads: byId('runtime-threads'),
  kernelsItem: byId('runtime-kernels-item'),
  kernels: byId('runtime-kernels'),
  isolated: byId('runtime-isolated'),
  dataStatus: byId('data-status'),
  dataError: byId('data-error'),
  dataProgress: byId<HTMLProgressElement>('data-progress'),
  archiveInput: byId<HTMLInputElement>('archive-input'),
  form: byId<HTMLFormElement>('train-form'),
  formError: byId('form-error'),
  start: byId<HTMLButtonElement>('start'),
  pause: byId<HTMLButtonElement>('pause'),
  stop: byId<HTMLButtonElement>('stop'),
  trainStatus: byId('train-status'),
  download: byId<HTMLButtonElement>('download-weights'),
  weightsInput: byId<HTMLInputElement>('weights-input'),
  weightsStatus: byId('weights-status'),
  imageInput: byId<HTMLInputElement>('image-input'),
  imagePreview: byId<HTMLCanvasElement>('image-preview'),
  classifyResult: byId('classify-result'),
  classifyError: byId('classify-error'),
};
const inspectionElements: InspectionElements = {
  accuracy: byId('test-accuracy'),
  predictions: byId('predictions'),
  confusion: byId<HTMLTableElement>('confusion'),
  filters: byId('filters'),
};

type Phase = 'starting' | 'idle' | 'busy' | 'training' | 'paused';
let phase: Phase = 'starting';
let dataReady = false;
let classNames: readonly string[] = [];
let lastProgressStep = 0;

const charts = new TrainingCharts(byId('chart-loss'), byId('chart-accuracy'), byId('chart-speed'));
const backends = new BackendList(
  byId<HTMLFieldSetElement>('backend-list'),
  (name) => void selectBackend(name),
);
const worker = new WorkerClient(onWorkerEvent);

function setPhase(next: Phase): void {
  phase = next;
  const running = next === 'training' || next === 'paused';
  const idle = next === 'idle' && dataReady;
  ui.start.disabled = !idle;
  ui.pause.disabled = !running;
  ui.pause.textContent = next === 'paused' ? 'Resume' : 'Pause';
  ui.stop.disabled = !running;
  ui.archiveInput.disabled = next !== 'idle';
  ui.download.disabled = !(idle || next === 'paused');
  ui.weightsInput.disabled = !idle;
  ui.imageInput.disabled = !dataReady || next === 'starting' || next === 'busy';
  backends.setEnabled(next === 'idle');
  document.body.dataset.phase = next;
}

function showInspection(inspection: Inspection, what?: string): void {
  renderInspection(inspectionElements, inspection, classNames, what);
}

function onWorkerEvent(event: WorkerEvent): void {
  switch (event.type) {
    case 'backend':
      backends.update(event.status, event.active);
      if (event.active) {
        const texts = runtimeTexts(event.status);
        ui.backend.textContent = texts.backend;
        ui.threads.textContent = texts.threads;
        ui.kernels.textContent = texts.kernels ?? '';
        ui.kernelsItem.hidden = texts.kernels === null;
      }
      break;
    case 'data-progress':
      ui.dataProgress.hidden = false;
      ui.dataProgress.value = event.fraction;
      ui.dataStatus.textContent = `Reading the archive: ${event.phase}, ${(100 * event.fraction).toFixed(0)} %`;
      break;
    case 'progress': {
      charts.addLosses(event.steps, event.losses);
      const step = event.steps.at(-1) ?? lastProgressStep;
      if (event.steps.length > 0) charts.addSpeed(step, event.imagesPerSecond);
      lastProgressStep = step;
      const loss = event.losses.at(-1);
      ui.trainStatus.textContent =
        `${phase === 'paused' ? 'Paused at' : 'Training:'} epoch ${event.epoch + 1}, batch ${event.batch} / ${event.batchesPerEpoch}, step ${step}` +
        (loss === undefined ? '' : `, loss ${loss.toFixed(3)}`) +
        (event.imagesPerSecond > 0 ? `, ${event.imagesPerSecond.toFixed(0)} images/s` : '');
      break;
    }
    case 'epoch':
      charts.addEpoch(event.epoch + 1, event.trainAccuracy, event.testAccuracy);
      break;
    case 'inspection':
      showInspection(event.inspection);
      break;
  }
}

function describeData(summary: DataSummary): string {
  const what = summary.source === 'sample' ? 'the embedded sample' : summary.source;
  return `Data: ${what} — ${summary.trainCount.toLocaleString('en-US')} training and ${summary.testCount.toLocaleString('en-US')} test images.`;
}

async function selectBackend(name: BackendName): Promise<void> {
  setPhase('busy');
  try {
    await worker.request({ type: 'select-backend', backend: name });
  } catch (error) {
    ui.trainStatus.textContent = (error as Error).message;
  }
  setPhase('idle');
}

async function loadArchive(file: File): Promise<void> {
  if (phase !== 'idle') return;
  ui.dataError.textContent = '';
  setPhase('busy');
  try {
    const summary = await worker.request({ type: 'load-archive', file });
    classNames = summary.classNames;
    ui.dataStatus.textContent = describeData(summary);
    showInspection(await worker.request({ type: 'inspect' }), 'Untrained weights: test accuracy');
  } catch (error) {
    ui.dataError.textContent = (error as Error).message;
    ui.dataStatus.textContent = 'The previous data is still loaded.';
  }
  ui.dataProgress.hidden = true;
  setPhase('idle');
}

async function startTraining(): Promise<void> {
  if (phase !== 'idle') return;
  ui.formError.textContent = '';
  let settings: ReturnType<typeof parseTrainSettings>;
  try {
    settings = parseTrainSettings(
      Object.fromEntries([...new FormData(ui.form)].map(([k, v]) => [k, String(v)])),
    );
  } catch (error) {
    ui.formError.textContent = (error as Error).message;
    return;
  }
  charts.reset();
  lastProgressStep = 0;
  setPhase('training');
  ui.trainStatus.textContent = 'Training: starting…';
  let outcome: TrainOutcome;
  try {
    outcome = await worker.request({ type: 'train', settings });
  } catch (error) {
    outcome = { reason: 'error', message: (error as Error).message, step: 0 };
  }
  ui.trainStatus.textContent = outcome.message;
  ui.trainStatus.dataset.outcome = outcome.reason;
  setPhase('idle');
  if (outcome.reason !== 'completed') {
    showInspection(await worker.request({ type: 'inspect' }));
  }
}

async function togglePause(): Promise<void> {
  if (phase === 'training') {
    await worker.request({ type: 'pause' });
    setPhase('paused');
    ui.trainStatus.textContent = `Paused at step ${lastProgressStep}.`;
  } else if (phase === 'paused') {
    setPhase('training');
    await worker.request({ type: 'resume' });
  }
}

async function downloadWeights(): Promise<void> {
  const bytes = await worker.request({ type: 'save-weights' });
  const url = URL.createObjectURL(
    new Blob([bytes as BlobPart], { type: 'application/octet-stream' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = 'simple-cnn.safetensors';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  ui.weightsStatus.textContent = `Downloaded simple-cnn.safetensors (${bytes.length.toLocaleString('en-US')} bytes).`;
}

async function loadWeights(file: File): Promise<void> {
  if (phase !== 'idle') return;
  setPhase('busy');
  ui.weightsStatus.textContent = `Loading ${file.name}…`;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const inspection = await worker.request({ type: 'load-weights', bytes, name: file.name }, [
      bytes.buffer,
    ]);
    showInspection(inspection, `${file.name}: test accuracy`);
    ui.weightsStatus.textContent = `Loaded ${file.name}. ${inspectionElements.accuracy.textContent}.`;
  } catch (error) {
    ui.weightsStatus.textContent = (error as Error).message;
  }
  setPhase('idle');
}

async function classify(file: Blob, name: string): Promise<void> {
  if (!dataReady) return;
  ui.classifyError.textContent = '';
  try {
    const image = await imageFileToRgb(file, name);
    drawRgb(ui.imagePreview, image.pixels, 32, 32);
    const top = await worker.request({ type: 'classify', pixels: image.pixels });
    renderTopK(ui.classifyResult, top, classNames);
  } catch (error) {
    ui.classifyError.textContent = (error as Error).message;
  }
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void startTraining();
});
ui.pause.addEventListener('click', () => void togglePause());
ui.stop.addEventListener('click', () => {
  void worker.request({ type: 'stop' });
  ui.trainStatus.textContent = 'Stopping after the current batch…';
});
ui.download.addEventListener('click', () => void downloadWeights());
onFileChosen(ui.archiveInput, (file) => void loadArchive(file));
acceptDroppedFile(byId('archive-drop'), (file) => void loadArchive(file));
onFileChosen(ui.weightsInput, (file) => void loadWeights(file));
onFileChosen(ui.imageInput, (file) => void classify(file, file.name));
acceptDroppedFile(byId('image-drop'), (file) => void classify(file, file.name));
document.addEventListener('paste', (event) => {
  const item = [...(event.clipboardData?.items ?? [])].find((i) => i.type.startsWith('image/'));
  const file = item?.getAsFile();
  if (file) void classify(file, 'pasted image');
});

if (new URLSearchParams(location.search).has('debug')) {
  // For the end-to-end tests and `bench:browser`: simulate a GPU reset, time training steps.
  // Not part of the visible page.
  Object.assign(window, {
    cnnkitDebug: {
      loseWebglContext: () => worker.request({ type: 'lose-webgl-context' }),
      benchmark: (options: {
        backend: BackendName;
        batchSize: number;
        warmupSteps: number;
        seconds: number;
      }) => worker.request({ type: 'benchmark', ...options }),
    },
  });
}

async function start(): Promise<void> {
  setPhase('starting');
  ui.isolated.textContent = self.crossOriginIsolated ? 'yes' : 'no';
  const sample = worker.request({ type: 'load-sample' }).then(
    (summary) => {
      dataReady = true;
      classNames = summary.classNames;
      ui.dataStatus.textContent = describeData(summary);
    },
    (error: Error) => {
      ui.dataError.textContent = error.message;
    },
  );
  try {
    await worker.request({ type: 'init' });
  } catch (error) {
    ui.backend.textContent = 'none';
    ui.trainStatus.textContent = (error as Error).message;
    await sample;
    setPhase('busy');
    return;
  }
  await sample;
  // Filled before the controls unlock, so the inspect section has its final size from the start.
  if (dataReady) {
    showInspection(await worker.request({ type: 'inspect' }), 'Untrained weights: test accuracy');
  }
  setPhase('idle');
}

void start();
