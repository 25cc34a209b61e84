/**
 * Messages between the page and the training worker. The worker owns TensorFlow.js, the data
 * and the model; the page only draws. Requests carry an `id` and get exactly one reply with
 * the same `id`; the worker also pushes {@link WorkerEvent}s at any time.
 */

import type { BackendDescription } from '@cnnkit/backends';
import type { ImageFolderReport } from '@cnnkit/datasets';
import type { RecipeName } from '@cnnkit/recipes';

/** A backend of the worker's list (worker/backends.ts): 'wasm', 'webgl', 'webgpu', 'cpu'. */
export type BackendName = string;

/** What the page shows for one backend. */
export interface BackendStatus {
  readonly name: BackendName;
  readonly state: 'checking' | 'ok' | 'failed';
  /** Versions and threads when ok, the reason when failed. */
  readonly detail: string;
  readonly threads?: number;
  /**
   * wasm only: the build of @cnnkit/wasm-kernels' SIMD module the training kernels run, as the
   * worker's wasm start reported it; 'none' (or absent) when they run their fallbacks.
   */
  readonly simd?: BackendDescription['simd'];
  readonly experimental: boolean;
}

/**
 * The header's thread setting: a count, or 'auto' (each run picks by its batch size, as
 * `cnnkit train` does: `defaultTrainingThreads` of @cnnkit/wasm-kernels).
 */
export type ThreadSetting = 'auto' | number;

/**
 * Where a run's weights start: `'seed'`, a fresh model drawn from the seed; `'airbench-cifar10'`,
 * AirbenchNet as `@cnnkit/airbench-cifar10` ships it (trained on CIFAR-10 by the fast recipe),
 * to fine-tune (its classifier head starts fresh for other classes).
 */
export type TrainStart = 'seed' | 'airbench-cifar10';

export interface TrainSettings {
  /**
   * `@cnnkit/recipes`' preset the other settings override: `'tutorial'` (SimpleCNN, plain SGD,
   * the tutorial transform) or `'fast'` (AirbenchNet with airbench93's recipe; `lr` in its
   * per-1,024-images form).
   */
  readonly recipe: RecipeName;
  readonly start: TrainStart;
  /** With a trained start: train the classifier head only; the features stay as loaded. */
  readonly freezeFeatures: boolean;
  readonly lr: number;
  readonly momentum: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  /** Train on the first `limit` images only; null for all. */
  readonly limit: number | null;
}

export interface DataSummary {
  readonly source: string;
  readonly trainCount: number;
  readonly testCount: number;
  readonly classNames: readonly string[];
  /** What was found in the visitor's own images (absent for CIFAR-10). */
  readonly folder?: ImageFolderSummary;
}

/** The visitor's image folder as the "Your images" panel shows it. */
export interface ImageFolderSummary {
  readonly report: Omit<ImageFolderReport, 'skipped' | 'decoded' | 'fromCache'> & {
    /** The first skipped files (a folder may have thousands), in path order. */
    readonly skipped: ImageFolderReport['skipped'];
    readonly skippedCount: number;
  };
  /** A few training images per class as the model sees them: 32×32 RGB bytes (HWC). */
  readonly thumbnails: readonly { readonly label: number; readonly pixels: Uint8Array }[];
}

/** Images the visitor picked: a folder's files with their paths, or one archive. */
export type PickedImages =
  | {
      readonly kind: 'files';
      readonly name: string;
      readonly files: readonly { readonly path: string; readonly file: Blob }[];
    }
  | { readonly kind: 'archive'; readonly file: File };

/** Top-k classes of one image, most probable first. */
export type TopK = readonly { readonly label: number; readonly probability: number }[];

export interface EvaluationSummary {
  readonly accuracy: number;
  readonly loss: number;
  /** Correct test images (accuracy × count, exactly). */
  readonly correct: number;
  readonly count: number;
  readonly perClassAccuracy: readonly (number | null)[];
  readonly confusionMatrix: readonly (readonly number[])[];
}

/** Everything the inspect panels draw, computed in one pass after an epoch or a weights load. */
export interface Inspection {
  readonly evaluation: EvaluationSummary;
  /** The first test images: RGB bytes (32×32×3, HWC), true label and top-3. */
  readonly samples: readonly {
    readonly pixels: Uint8Array;
    readonly label: number;
    readonly top: TopK;
  }[];
  /**
   * The first convolution's filters (SimpleCNN's conv1: 6 of 5×5; AirbenchNet's whitening: 24
   * of 2×2), each filterSize² × 3 RGB bytes scaled to 0–255 per filter.
   */
  readonly filters: readonly Uint8Array[];
  readonly filterSize: number;
  /** That layer's name in the state_dict (`conv1`, `whiten`). */
  readonly filterLayer: string;
  /** The model's class in `@cnnkit/models` (`SimpleCNN`, `AirbenchNet`). */
  readonly modelName: string;
}

/** A format of "Download ONNX" / "Download TF.js": an ONNX file, or a TF.js graph model zipped with its shards. */
export type ExportFormat = 'onnx' | 'tfjs';

/** A file the page saves as a download. */
export interface ExportedDownload {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type WorkerRequest =
  | { readonly type: 'init' }
  | { readonly type: 'check-backends' }
  | { readonly type: 'select-backend'; readonly backend: BackendName }
  | { readonly type: 'set-threads'; readonly threads: number }
  | { readonly type: 'load-sample' }
  | { readonly type: 'load-archive'; readonly file: File }
  | { readonly type: 'load-image-folder'; readonly images: PickedImages }
  | { readonly type: 'train'; readonly settings: TrainSettings; readonly threads: ThreadSetting }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'inspect' }
  | { readonly type: 'save-weights' }
  | { readonly type: 'export-model'; readonly format: ExportFormat }
  | { readonly type: 'load-weights'; readonly bytes: Uint8Array; readonly name: string }
  | { readonly type: 'load-airbench-cifar10' }
  | { readonly type: 'classify'; readonly pixels: Uint8Array }
  | { readonly type: 'lose-webgl-context' }
  | {
      readonly type: 'benchmark';
      readonly backend: BackendName;
      /**
       * What trains (`@cnnkit/recipes`' presets): `'tutorial'` (the default) SimpleCNN with SGD
       * lr 0.001 momentum 0.9; `'fast'` AirbenchNet 64/128/128 with airbench's method.
       */
      readonly recipe?: RecipeName;
      readonly batchSize: number;
      readonly warmupSteps: number;
      readonly seconds: number;
      /** wasm only: the kernel threads to measure with (the current setting when absent). */
      readonly threads?: number;
    };

/** The `result` type of each request. */
export interface WorkerResults {
  init: { readonly isolated: boolean };
  'check-backends': null;
  'select-backend': BackendStatus;
  /** wasm's status with the threads that now compute. */
  'set-threads': BackendStatus;
  'load-sample': DataSummary;
  'load-archive': DataSummary;
  'load-image-folder': DataSummary;
  train: TrainOutcome;
  pause: null;
  resume: null;
  stop: null;
  inspect: Inspection;
  /** The weights file, named after the model (`simple-cnn.safetensors`, `airbench.safetensors`). */
  'save-weights': ExportedDownload;
  'export-model': ExportedDownload;
  'load-weights': Inspection;
  'load-airbench-cifar10': Inspection;
  /** The top classes, and the names of the model's outputs (a loaded file's own names). */
  classify: { readonly top: TopK; readonly classNames: readonly string[] };
  'lose-webgl-context': boolean;
  benchmark: {
    /** The threads the backend computed with (1 except on wasm). */
    readonly threads: number;
    readonly recipe: RecipeName;
    readonly batchSize: number;
    readonly steps: number;
    readonly seconds: number;
    readonly imagesPerSecond: number;
  };
}

/** How a training run ended. */
export interface TrainOutcome {
  readonly reason: 'completed' | 'stopped' | 'non-finite-loss' | 'context-lost' | 'error';
  readonly message: string;
  readonly step: number;
  /**
   * The model as the run left it, when that differs from the last epoch's inspection (a
   * stopped run, a non-finite loss, a lost context): the page shows it with the message.
   */
  readonly inspection?: Inspection;
}

/** Training progress, batched by the worker a few times a second. */
export interface ProgressEvent {
  readonly type: 'progress';
  /** Per finished batch: step and loss. */
  readonly steps: readonly number[];
  readonly losses: readonly number[];
  /**
   * Throughput since the previous event that had one (warm-up batches included); absent when
   * too little time passed to measure it.
   */
  readonly imagesPerSecond?: number;
  readonly epoch: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
}

export interface EpochEvent {
  readonly type: 'epoch';
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  /** Accuracy on (up to) the first {@link EpochEvent.trainEvalCount} training images. */
  readonly trainAccuracy: number;
  readonly trainEvalCount: number;
  readonly testAccuracy: number;
}

export type WorkerEvent =
  | ProgressEvent
  | EpochEvent
  | { readonly type: 'inspection'; readonly inspection: Inspection }
  | { readonly type: 'backend'; readonly status: BackendStatus; readonly active: boolean }
  | { readonly type: 'data-progress'; readonly phase: string; readonly fraction: number };

export type WorkerReply =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'event'; readonly event: WorkerEvent };
