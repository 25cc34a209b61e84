/**
 * The page: draws what the training worker reports and sends it the visitor's requests.
 * TensorFlow.js never loads on this thread, so the initial bundle stays small.
 */
import './style.css';
import { imageFileToRgb } from './image/image-file-to-rgb.js';
import type {
  BackendName,
  BackendStatus,
  DataSummary,
  Inspection,
  PickedImages,
  ThreadSetting,
  TrainOutcome,
  WorkerEvent,
} from './protocol.js';
import { airbenchLoadedText, airbenchLoadingText } from './ui/airbench-cifar10-text.js';
import { BackendList } from './ui/backend-list.js';
import { TrainingCharts } from './ui/charts.js';
import { acceptDroppedFile, onFileChosen } from './ui/drop-target.js';
import { type InspectionElements, renderInspection } from './ui/inspection-view.js';
import { showMessage } from './ui/message-view.js';
import { ModelDownloads } from './ui/model-downloads.js';
import { acceptDroppedImages, imagesFromFolderInput } from './ui/picked-images.js';
import { clearCanvas, drawRgb } from './ui/rgb-canvas.js';
import { type RuntimeTexts, runtimeTexts } from './ui/runtime-header.js';
import { type StartState, startHint, stillChecking } from './ui/start-hint.js';
import { renderTopK } from './ui/top-k-bars.js';
import { parseTrainSettings, RECIPE_FORM_DEFAULTS, SettingsError } from './ui/train-settings.js';
import { renderYourImages } from './ui/your-images-view.js';
import { WorkerClient } from './worker-client.js';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const ui = {
  backend: byId('runtime-backend'),
  threadCount: byId<HTMLSelectElement>('thread-count'),
  threadNote: byId('thread-note'),
  kernelsItem: byId('runtime-kernels-item'),
  kernels: byId('runtime-kernels'),
  isolated: byId('runtime-isolated'),
  backendStatus: byId('backend-status'),
  dataStatus: byId('data-status'),
  dataError: byId('data-error'),
  dataProgress: byId<HTMLProgressElement>('data-progress'),
  archiveInput: byId<HTMLInputElement>('archive-input'),
  folderInput: byId<HTMLInputElement>('folder-input'),
  folderArchiveInput: byId<HTMLInputElement>('folder-archive-input'),
  useSample: byId<HTMLButtonElement>('use-sample'),
  yourImages: byId('your-images'),
  form: byId<HTMLFormElement>('train-form'),
  formError: byId('form-error'),
  start: byId<HTMLButtonElement>('start'),
  startHint: byId('start-hint'),
  pause: byId<HTMLButtonElement>('pause'),
  stop: byId<HTMLButtonElement>('stop'),
  trainStatus: byId('train-status'),
  inspect: byId('inspect'),
  download: byId<HTMLButtonElement>('download-weights'),
  useAirbench: byId<HTMLButtonElement>('use-airbench'),
  recipe: byId<HTMLSelectElement>('recipe'),
  trainStart: byId<HTMLSelectElement>('train-start'),
  freezeFeatures: byId<HTMLInputElement>('freeze-features'),
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
  confusionScroll: byId('confusion-scroll'),
  filters: byId('filters'),
  filtersTitle: byId('filters-title'),
};

type Phase = StartState['phase'];
let phase: Phase = 'starting';
/** What a 'busy' phase waits for, as the Start hint words it. */
let busyWith = '';
let dataReady = false;
let trainCount = 0;
let classNames: readonly string[] = [];
let lastProgressStep = 0;
/** The run's latest measured speed: progress events too short to measure carry none. */
let lastSpeed: number | undefined;
let lastEpoch = 0;
let runEpochs = 1;
const backendStates = new Map<BackendName, BackendStatus['state']>();
let activeBackend: BackendName | undefined;
/** Why the active backend's thread count cannot change (null: it can). */
let threadsFixedBecause: string | null = 'no backend has started yet';
/** The header's thread setting; 'auto' picks per run by batch size (1 thread below 16). */
let threadSetting: ThreadSetting = 'auto';
/** The backend the visitor asked for last, while a switch is under way. */
let wantedBackend: BackendName | undefined;

const charts = new TrainingCharts(byId('chart-loss'), byId('chart-accuracy'), byId('chart-speed'));
const backends = new BackendList(
  byId<HTMLFieldSetElement>('backend-list'),
  (name) => void selectBackend(name),
);
const worker = new WorkerClient(onWorkerEvent);
const modelDownloads = new ModelDownloads(
  {
    onnx: byId<HTMLButtonElement>('download-onnx'),
    tfjs: byId<HTMLButtonElement>('download-tfjs'),
  },
  ui.weightsStatus,
  (format) => worker.request({ type: 'export-model', format }),
);

function startState(): StartState {
  return { phase, busyWith, dataReady, activeBackend, backends: backendStates };
}

function updateHints(): void {
  const hint = startHint(startState());
  ui.startHint.textContent = hint;
  const checking = stillChecking(backendStates);
  ui.backendStatus.textContent =
    phase === 'switching' && wantedBackend
      ? `Switching to ${wantedBackend}…`
      : checking.length > 0 && activeBackend
        ? `Still checking ${checking.join(', ')}; ${checking.length === 1 ? 'it becomes' : 'they become'} selectable when done. You can train on ${activeBackend} meanwhile.`
        : '';
}

function setPhase(next: Phase, what = ''): void {
  phase = next;
  busyWith = next === 'busy' ? what : '';
  const running = next === 'training' || next === 'paused';
  const idle = next === 'idle' && dataReady && activeBackend !== undefined;
  ui.start.disabled = !idle;
  ui.pause.disabled = !running;
  ui.pause.textContent = next === 'paused' ? 'Resume' : 'Pause';
  ui.stop.disabled = !running;
  ui.archiveInput.disabled = next !== 'idle';
  ui.folderInput.disabled = next !== 'idle';
  ui.folderArchiveInput.disabled = next !== 'idle';
  ui.useSample.disabled = next !== 'idle';
  // Not while paused: the paused run holds the worker's TensorFlow.js queue until it ends, so
  // a download asked for then would only start after Stop or the run's end.
  ui.download.disabled = !idle;
  ui.useAirbench.disabled = !idle;
  modelDownloads.setEnabled(idle);
  ui.weightsInput.disabled = !idle;
  updateThreadControl();
  ui.imageInput.disabled = !dataReady || next === 'starting' || next === 'busy';
  // Left enabled while switching: disabling it would drop the keyboard focus to <body>
  // between two arrow-key presses.
  backends.setEnabled(next === 'idle' || next === 'switching');
  document.body.dataset.phase = next;
  updateHints();
}

/** The header's thread setting: auto and the counts, and why it is fixed if it is. */
function showThreads(texts: RuntimeTexts): void {
  threadsFixedBecause = texts.threadsFixedBecause;
  const counts = texts.threadChoices.map(
    (n) => new Option(String(n), String(n), false, threadSetting === n),
  );
  ui.threadCount.replaceChildren(
    ...(threadsFixedBecause === null
      ? [new Option(`auto (${texts.threads})`, 'auto', false, threadSetting === 'auto'), ...counts]
      : counts),
  );
  if (threadsFixedBecause !== null) ui.threadCount.value = String(texts.threads);
  ui.threadCount.title =
    threadsFixedBecause ??
    'Threads of the wasm training kernels. auto: 1 below batch 16 (faster there), else every core; the weights do not depend on it.';
  ui.threadNote.textContent = threadsFixedBecause ?? ui.threadCount.title;
  updateThreadControl();
}

/** The setting changes only between runs, and only where the backend can change its threads. */
function updateThreadControl(): void {
  ui.threadCount.disabled = phase !== 'idle' || threadsFixedBecause !== null;
}

async function setThreads(value: string): Promise<void> {
  if (phase !== 'idle') return;
  if (value === 'auto') {
    // Applied when the next run starts, for its batch size.
    threadSetting = 'auto';
    return;
  }
  threadSetting = Number(value);
  setPhase('busy', 'the threads change');
  try {
    // The worker's backend event redraws the setting with the count that now computes.
    await worker.request({ type: 'set-threads', threads: threadSetting });
  } catch (error) {
    showMessage(ui.trainStatus, (error as Error).message);
  }
  setPhase('idle');
}

function showInspection(inspection: Inspection, what?: string): void {
  renderInspection(inspectionElements, inspection, classNames, what);
  delete ui.inspect.dataset.stale;
  ui.inspect.removeAttribute('aria-busy');
}

/** Marks the inspection as the weights before the run, until the run's first results arrive. */
function markInspectionStale(): void {
  ui.inspect.dataset.stale = 'true';
  ui.inspect.setAttribute('aria-busy', 'true');
  inspectionElements.accuracy.textContent =
    'Training: weights from before the run until the first epoch ends (or Stop).';
}

function onWorkerEvent(event: WorkerEvent): void {
  switch (event.type) {
    case 'backend':
      backends.update(event.status, event.active);
      backendStates.set(event.status.name, event.status.state);
      if (event.active) {
        activeBackend = event.status.name;
        const texts = runtimeTexts(event.status, {
          logicalCores: navigator.hardwareConcurrency ?? 1,
          isolated: self.crossOriginIsolated,
        });
        ui.backend.textContent = texts.backend;
        showThreads(texts);
        ui.kernels.textContent = texts.kernels ?? '';
        ui.kernelsItem.hidden = texts.kernels === null;
      } else if (activeBackend === event.status.name && event.status.state === 'failed') {
        activeBackend = undefined;
      }
      updateHints();
      break;
    case 'data-progress':
      ui.dataProgress.hidden = false;
      ui.dataProgress.value = event.fraction;
      ui.dataStatus.textContent = `Reading ${readingWhat}: ${event.phase}, ${(100 * event.fraction).toFixed(0)} %`;
      break;
    case 'progress': {
      charts.addLosses(event.steps, event.losses);
      const step = event.steps.at(-1) ?? lastProgressStep;
      if (event.steps.length > 0 && event.imagesPerSecond !== undefined) {
        charts.addSpeed(step, event.imagesPerSecond);
        lastSpeed = event.imagesPerSecond;
      }
      lastProgressStep = step;
      const loss = event.losses.at(-1);
      ui.trainStatus.textContent =
        `${phase === 'paused' ? 'Paused at' : 'Training:'} epoch ${event.epoch + 1}, batch ${event.batch} / ${event.batchesPerEpoch}, step ${step}` +
        (loss === undefined ? '' : `, loss ${loss.toFixed(3)}`) +
        (lastSpeed ? `, ${lastSpeed.toFixed(0)} images/s` : '');
      break;
    }
    case 'epoch':
      lastEpoch = event.epoch + 1;
      charts.addEpoch(event.epoch + 1, event.trainAccuracy, event.testAccuracy);
      break;
    case 'inspection':
      showInspection(event.inspection, `Epoch ${lastEpoch} of ${runEpochs}: test accuracy`);
      break;
  }
}

function describeData(summary: DataSummary): string {
  const what = summary.source === 'sample' ? 'the embedded sample' : summary.source;
  const counts = `${summary.trainCount.toLocaleString('en-US')} training and ${summary.testCount.toLocaleString('en-US')}`;
  return summary.folder
    ? `Data: your images, ${what} — ${counts} validation images of ${summary.classNames.length} classes (${summary.classNames.join(', ')}).`
    : `Data: ${what} — ${counts} test images.`;
}

function adoptSummary(summary: DataSummary): void {
  dataReady = true;
  if (summary.classNames.join('\n') !== classNames.join('\n')) {
    // A new model for other classes: the last image's result was the old model's.
    ui.classifyResult.replaceChildren();
  }
  classNames = summary.classNames;
  trainCount = summary.trainCount;
  ui.dataStatus.textContent = describeData(summary);
  renderYourImages(ui.yourImages, summary);
  ui.useSample.hidden = summary.source === 'sample';
}

/**
 * Switches to `name`. Arrow keys in the radio group ask for one backend after another: the
 * last one asked for wins, one switch at a time, and the focus stays in the group.
 */
async function selectBackend(name: BackendName): Promise<void> {
  wantedBackend = name;
  if (phase === 'switching') {
    updateHints();
    return;
  }
  if (phase !== 'idle') return;
  setPhase('switching');
  while (wantedBackend !== undefined && wantedBackend !== activeBackend) {
    const target: BackendName = wantedBackend;
    updateHints();
    try {
      await worker.request({ type: 'select-backend', backend: target });
    } catch (error) {
      showMessage(ui.trainStatus, (error as Error).message);
      break;
    }
  }
  wantedBackend = undefined;
  setPhase('idle');
}

/** What the data progress line says is being read. */
let readingWhat = 'the archive';

async function loadData(what: string, load: () => Promise<DataSummary>): Promise<void> {
  if (phase !== 'idle') return;
  ui.dataError.textContent = '';
  readingWhat = what;
  setPhase('busy', `${what} is read`);
  try {
    adoptSummary(await load());
    showInspection(await worker.request({ type: 'inspect' }), 'Untrained weights: test accuracy');
  } catch (error) {
    showMessage(ui.dataError, (error as Error).message);
    ui.dataStatus.textContent = 'The previous data is still loaded.';
  }
  ui.dataProgress.hidden = true;
  setPhase('idle');
}

function loadArchive(file: File): Promise<void> {
  return loadData('the archive', () => worker.request({ type: 'load-archive', file }));
}

function loadYourImages(images: PickedImages): Promise<void> {
  const name = images.kind === 'files' ? images.name : images.file.name;
  return loadData(name, () => worker.request({ type: 'load-image-folder', images }));
}

function readSettings(): ReturnType<typeof parseTrainSettings> | undefined {
  ui.formError.textContent = '';
  for (const input of ui.form.querySelectorAll('input, select')) {
    input.removeAttribute('aria-invalid');
  }
  try {
    return parseTrainSettings(
      Object.fromEntries([...new FormData(ui.form)].map(([k, v]) => [k, String(v)])),
      trainCount,
    );
  } catch (error) {
    ui.formError.textContent = (error as Error).message;
    if (error instanceof SettingsError) {
      for (const field of error.fields) {
        ui.form.querySelector(`[name="${field}"]`)?.setAttribute('aria-invalid', 'true');
      }
      ui.form.querySelector<HTMLElement>(`[name="${error.fields[0]}"]`)?.focus();
    }
    return undefined;
  }
}

function outcomeLabel(outcome: TrainOutcome): string {
  switch (outcome.reason) {
    case 'stopped':
      return `Stopped at step ${outcome.step.toLocaleString('en-US')}: test accuracy`;
    case 'non-finite-loss':
      return 'Last good weights: test accuracy';
    case 'context-lost':
      return 'Weights kept after the lost context: test accuracy';
    default:
      return 'Test accuracy';
  }
}

async function startTraining(): Promise<void> {
  if (phase !== 'idle') return;
  const settings = readSettings();
  if (!settings) return;
  runEpochs = settings.epochs;
  charts.reset(settings.epochs);
  lastProgressStep = 0;
  lastSpeed = undefined;
  lastEpoch = 0;
  setPhase('training');
  markInspectionStale();
  const [checking] = stillChecking(backendStates);
  ui.trainStatus.textContent =
    checking === undefined
      ? 'Training: starting…'
      : `Training: starting when the check of ${checking} in progress ends…`;
  let outcome: TrainOutcome;
  try {
    outcome = await worker.request({ type: 'train', settings, threads: threadSetting });
  } catch (error) {
    outcome = { reason: 'error', message: (error as Error).message, step: 0 };
  }
  // The message and the model it describes appear together.
  if (outcome.inspection) showInspection(outcome.inspection, outcomeLabel(outcome));
  showMessage(ui.trainStatus, outcome.message);
  ui.trainStatus.dataset.outcome = outcome.reason;
  if (outcome.reason === 'error') {
    setPhase('busy', 'the model is evaluated');
    try {
      showInspection(await worker.request({ type: 'inspect' }));
    } catch (error) {
      inspectionElements.accuracy.textContent = (error as Error).message;
    }
  }
  setPhase('idle');
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
  const { name, bytes } = await worker.request({ type: 'save-weights' });
  const url = URL.createObjectURL(
    new Blob([bytes as BlobPart], { type: 'application/octet-stream' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  ui.weightsStatus.textContent = `Downloaded ${name} (${bytes.length.toLocaleString('en-US')} bytes).`;
}

async function loadWeights(file: File): Promise<void> {
  if (phase !== 'idle') return;
  setPhase('busy', 'the weights are loaded');
  ui.weightsStatus.textContent = `Loading ${file.name}…`;
  delete ui.weightsStatus.dataset.error;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const inspection = await worker.request({ type: 'load-weights', bytes, name: file.name }, [
      bytes.buffer,
    ]);
    showInspection(inspection, `${file.name}: test accuracy`);
    ui.weightsStatus.textContent = `Loaded ${file.name}. ${inspectionElements.accuracy.textContent}.`;
  } catch (error) {
    ui.weightsStatus.dataset.error = 'true';
    showMessage(ui.weightsStatus, (error as Error).message);
  }
  setPhase('idle');
}

/** Makes `@cnnkit/airbench-cifar10`'s AirbenchNet the page's model (Inspect, Classify). */
async function useAirbenchCifar10(): Promise<void> {
  if (phase !== 'idle') return;
  setPhase('busy', 'the trained AirbenchNet is loaded');
  ui.weightsStatus.textContent = airbenchLoadingText();
  delete ui.weightsStatus.dataset.error;
  try {
    const inspection = await worker.request({ type: 'load-airbench-cifar10' });
    showInspection(inspection, 'AirbenchNet trained on CIFAR-10: test accuracy');
    ui.weightsStatus.textContent = airbenchLoadedText(
      inspectionElements.accuracy.textContent ?? '',
    );
  } catch (error) {
    ui.weightsStatus.dataset.error = 'true';
    showMessage(ui.weightsStatus, (error as Error).message);
  }
  setPhase('idle');
}

/**
 * A recipe choice fills the numbers with its defaults; only the fast recipe (AirbenchNet) can
 * start from the trained weights and freeze the features.
 */
function applyRecipeChoice(fillDefaults: boolean): void {
  const recipe = ui.recipe.value === 'fast' ? 'fast' : 'tutorial';
  const defaults = RECIPE_FORM_DEFAULTS[recipe];
  if (fillDefaults) {
    for (const name of ['lr', 'momentum', 'batchSize', 'epochs'] as const) {
      const input = ui.form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (input) input.value = String(defaults[name]);
    }
  }
  const trained = ui.trainStart.querySelector<HTMLOptionElement>(
    'option[value="airbench-cifar10"]',
  );
  if (trained) trained.disabled = recipe !== 'fast';
  if (recipe !== 'fast') ui.trainStart.value = 'seed';
  ui.freezeFeatures.disabled = ui.trainStart.value === 'seed';
  if (ui.freezeFeatures.disabled) ui.freezeFeatures.checked = false;
  if (phase === 'idle' || phase === 'starting') {
    ui.trainStatus.textContent = defaults.description;
    delete ui.trainStatus.dataset.outcome;
  }
}

async function classify(file: Blob, name: string): Promise<void> {
  if (!dataReady) return;
  ui.classifyError.textContent = '';
  try {
    const image = await imageFileToRgb(file, name);
    drawRgb(ui.imagePreview, image.pixels, 32, 32);
    // The model's own class names: a loaded weights file's, or the data's it was trained on.
    const result = await worker.request({ type: 'classify', pixels: image.pixels });
    renderTopK(ui.classifyResult, result.top, result.classNames);
    ui.imagePreview.setAttribute('aria-label', `${name} at 32×32`);
  } catch (error) {
    // The previous image's result must not stay on screen next to this file's error.
    ui.classifyResult.replaceChildren();
    clearCanvas(ui.imagePreview);
    ui.imagePreview.setAttribute('aria-label', 'No image');
    showMessage(ui.classifyError, (error as Error).message);
  }
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void startTraining();
});
ui.pause.addEventListener('click', () => void togglePause());
ui.stop.addEventListener('click', () => {
  void worker.request({ type: 'stop' });
  ui.trainStatus.textContent =
    'Stopping after the current batch, then evaluating the model on the test images…';
});
ui.download.addEventListener('click', () => void downloadWeights());
ui.threadCount.addEventListener('change', () => void setThreads(ui.threadCount.value));
onFileChosen(ui.archiveInput, (file) => void loadArchive(file));
acceptDroppedFile(byId('archive-drop'), (file) => void loadArchive(file));
ui.folderInput.addEventListener('change', () => {
  const images = imagesFromFolderInput(ui.folderInput.files ?? []);
  ui.folderInput.value = '';
  if (images) void loadYourImages(images);
  else
    ui.dataError.textContent =
      'The chosen folder is empty: choose a folder with one folder of images per class.';
});
onFileChosen(ui.folderArchiveInput, (file) => void loadYourImages({ kind: 'archive', file }));
acceptDroppedImages(
  byId('your-images-drop'),
  (images) => void loadYourImages(images),
  (message) => showMessage(ui.dataError, message),
);
ui.useSample.addEventListener('click', () => {
  void loadData('the embedded sample', () => worker.request({ type: 'load-sample' }));
});
onFileChosen(ui.weightsInput, (file) => void loadWeights(file));
ui.useAirbench.addEventListener('click', () => void useAirbenchCifar10());
ui.recipe.addEventListener('change', () => applyRecipeChoice(true));
ui.trainStart.addEventListener('change', () => applyRecipeChoice(false));
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
        recipe?: 'tutorial' | 'fast';
        batchSize: number;
        warmupSteps: number;
        seconds: number;
        threads?: number;
      }) => worker.request({ type: 'benchmark', ...options }),
    },
  });
}

async function start(): Promise<void> {
  setPhase('starting');
  ui.isolated.textContent = self.crossOriginIsolated ? 'yes' : 'no';
  const sample = worker.request({ type: 'load-sample' }).then(
    (summary) => {
      adoptSummary(summary);
      updateHints();
    },
    (error: Error) => {
      showMessage(ui.dataError, error.message);
    },
  );
  try {
    // Resolves as soon as the first backend passed its check; the rest are checked after.
    await worker.request({ type: 'init' });
  } catch (error) {
    ui.backend.textContent = 'none';
    showMessage(ui.trainStatus, (error as Error).message);
    await sample;
    setPhase('busy', 'a backend works');
    return;
  }
  await sample;
  if (dataReady) {
    showInspection(await worker.request({ type: 'inspect' }), 'Untrained weights: test accuracy');
  }
  setPhase('idle');
  // The other backends are checked now, between the visitor's requests.
  worker.request({ type: 'check-backends' }).catch((error: Error) => {
    showMessage(ui.backendStatus, error.message);
  });
}

// A reload keeps the form's choices: make the dependent fields agree with them.
applyRecipeChoice(false);
void start();
