import type { BatchEndEvent } from '@cnnkit/contracts';
import type { WorkerEvent } from '../protocol.js';

/** How often, at most, the page gets a progress event while batches finish. */
const PROGRESS_MS = 250;

/**
 * Collects finished batches and posts them to the page a few times a second, with the
 * throughput since the previous measured post, and keeps the run's average throughput.
 *
 * Throughput is measured from batch end to batch end. The trainer evaluates the test set
 * before it reports an epoch's end, and a pause waits before it is noticed; a post made then
 * still ends its interval at the last batch, so neither shows up as a drop in speed. Such a
 * post can cover only a few milliseconds (the trainer settles an epoch's last batch right
 * after the one before it), far too little to measure: it carries no speed, and its batches
 * and time count in the next one, so no false peak shows either.
 */
export class ProgressReporter {
  /** The step of the last finished batch. */
  lastStep = 0;
  private steps: number[] = [];
  private losses: number[] = [];
  private images = 0;
  private position = { epoch: 0, batch: 0 };
  private since = performance.now();
  private lastBatchAt = this.since;
  private totalImages = 0;
  private totalSeconds = 0;
  /** Images and training seconds of posts too short to give a speed, not yet in one. */
  private carriedImages = 0;
  private carriedSeconds = 0;

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
    this.lastBatchAt = performance.now();
    if (this.lastBatchAt - this.since >= PROGRESS_MS) this.flush();
  }

  /** Posts what was collected since the last post (possibly nothing, to update the status). */
  flush(): void {
    const end = this.images > 0 ? this.lastBatchAt : this.since;
    const seconds = (end - this.since) / 1000;
    this.totalImages += this.images;
    this.totalSeconds += seconds;
    const images = this.carriedImages + this.images;
    const measured = this.carriedSeconds + seconds;
    const speed = images > 0 && measured * 1000 >= PROGRESS_MS;
    this.carriedImages = speed ? 0 : images;
    this.carriedSeconds = speed ? 0 : measured;
    this.post({
      type: 'progress',
      steps: this.steps,
      losses: this.losses,
      ...(speed ? { imagesPerSecond: images / measured } : {}),
      epoch: this.position.epoch,
      batch: this.position.batch,
      batchesPerEpoch: this.batchesPerEpoch,
    });
    this.steps = [];
    this.losses = [];
    this.images = 0;
    this.since = end;
  }

  /** Starts measuring throughput afresh: time paused or evaluating is not training time. */
  restartClock(): void {
    this.since = performance.now();
    this.lastBatchAt = this.since;
  }

  /**
   * Images per second over the run so far, training time only (no evaluation, no pauses);
   * 0 before any batch was posted.
   */
  get averageImagesPerSecond(): number {
    return this.totalSeconds > 0 ? this.totalImages / this.totalSeconds : 0;
  }
}
