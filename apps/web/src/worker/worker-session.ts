import type { BackendRegistry } from '@cnnkit/backends';
import type { TrainableClassifier } from '@cnnkit/contracts';
import { CIFAR10_CLASS_NAMES, type Cifar10Data } from '@cnnkit/datasets';
import type { WeightsInfo } from '@cnnkit/models';
import type { BackendName, BackendStatus, WorkerEvent } from '../protocol.js';
import { createWebBackends } from './backends.js';
import { createEventLoopYield } from './event-loop-yield.js';
import { modelForInfo } from './page-model.js';
import type { RunControl } from './run-control.js';
import { pageWeightsInfo } from './weights-info.js';

/**
 * Everything the worker holds between requests, in one place: the backends and their
 * statuses, the data, the model, the last weights known to be good, and the training run.
 * The worker has exactly one; every module gets it as an argument.
 */
export class WorkerSession {
  readonly backends: BackendRegistry = createWebBackends();
  readonly statuses = new Map<BackendName, BackendStatus>();
  activeBackend: BackendName | undefined;
  data: { readonly data: Cifar10Data; readonly source: string } | undefined;
  /** Created on first use, on the active backend. */
  model: TrainableClassifier | undefined;
  /** A CPU-side copy of the weights: what survives a lost GPU context. */
  lastGoodWeights: Uint8Array | undefined;
  /**
   * What the current model's weights files say about it: set by a training run and by loaded
   * weights (the file's own metadata); unset, the page's SimpleCNN on the loaded classes.
   */
  weightsInfo: WeightsInfo | undefined;
  /** `@cnnkit/airbench-cifar10`'s weights once fetched (and checked). */
  airbenchCifar10: Promise<Uint8Array> | undefined;
  /** The training run in progress, if any. */
  run: RunControl | undefined;
  /** WebGL canvases whose context loss is already watched. */
  readonly watchedCanvases = new WeakSet<object>();
  /** Lets queued messages (pause, stop) in during a run; see event-loop-yield.ts. */
  readonly yieldToEventLoop = createEventLoopYield();
  private tensorWork: Promise<unknown> = Promise.resolve();

  constructor(readonly post: (event: WorkerEvent) => void) {}

  /**
   * Runs `task` after every task queued before it. Everything that computes with TensorFlow.js
   * goes through here: the active backend is global state, and a backend check running in the
   * background switches it, so a request interleaved with the check would compute on the
   * backend being checked. Requests that only flip flags (pause, stop) do not queue.
   */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tensorWork.then(task);
    this.tensorWork = result.catch(() => undefined);
    return result;
  }

  currentModel(): TrainableClassifier {
    this.model ??= modelForInfo(this.currentInfo());
    return this.model;
  }

  /**
   * What the current model is: its weights' own description, else the page's SimpleCNN with
   * one output per class of the loaded data (CIFAR-10's 10 before any is loaded).
   */
  currentInfo(): WeightsInfo {
    return (
      this.weightsInfo ?? pageWeightsInfo(this.data?.data.train.classNames ?? CIFAR10_CLASS_NAMES)
    );
  }

  requireData(): Cifar10Data {
    if (!this.data) {
      throw new Error('no data loaded yet; wait for the sample or load cifar-10-binary.tar.gz');
    }
    return this.data.data;
  }

  /** Fails a request that must not run while training does. */
  requireIdle(what: string): void {
    if (this.run) throw new Error(`stop training before ${what}`);
  }

  setStatus(status: BackendStatus): void {
    this.statuses.set(status.name, status);
    this.post({ type: 'backend', status, active: status.name === this.activeBackend });
  }
}
