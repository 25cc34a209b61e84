import type { BatchEndEvent } from '@cnnkit/contracts';
import type { WorkerEvent } from '../protocol.js';

/** How often, at most, the page gets a progress event while batches finish. */
const PROGRESS_MS = 250;

/**
 * Collects finished batches and posts them to the page a few times a second, with the
 * throughput since the previous post.
 */
export class ProgressReporter {
  /** The step of the last finished batch. */
  lastStep = 0;
  private steps: number[] = [];
  private losses: number[] = [];
  private images = 0;
  private position = { epoch: 0, batch: 0 };
  private since = performance.now();

  constructor(
    private readonly post: (event: WorkerEvent) => void,
    private readonly batchesPerEpoch: number,
  ) {}

  batchEnded(event: BatchEndEvent): void {
    this.steps.push(event.step);
    this.losses.push(event.loss);
    this.images += event.batchSize;
    this.lastStep = event.step;
    this.position = { epoch: event.epoch, batch: event.batch + 1 };
    if (performance.now() - this.since >= PROGRESS_MS) this.flush();
  }

  /** Posts what was collected since the last post (possibly nothing, to update the status). */
  flush(): void {
    const now = performance.now();
    const seconds = (now - this.since) / 1000;
    this.post({
      type: 'progress',
      steps: this.steps,
      losses: this.losses,
      imagesPerSecond: seconds > 0 ? this.images / seconds : 0,
      epoch: this.position.epoch,
      batch: this.position.batch,
      batchesPerEpoch: this.batchesPerEpoch,
    });
    this.steps = [];
    this.losses = [];
    this.images = 0;
    this.since = now;
  }

  /** Starts measuring throughput afresh: time paused or evaluating is not training time. */
  restartClock(): void {
    this.since = performance.now();
  }
}
