/**
 * The page's hold on a training run: stop (abort after the current batch), pause and resume,
 * and the loss of the GPU context, which must end the run even while a read-back hangs.
 */
export class RunControl {
  readonly abort = new AbortController();
  /** Rejects when the GPU context is lost: a hung read-back must not keep the run waiting. */
  readonly lost: Promise<never>;
  /** Set once the GPU context was lost; the run then reports 'context-lost'. */
  contextLost = false;
  private pausedByPage = false;
  private resumeWaiter: (() => void) | undefined;
  private rejectLost: (error: Error) => void = () => {};

  constructor() {
    this.lost = new Promise<never>((_, reject) => {
      this.rejectLost = reject;
    });
    this.lost.catch(() => undefined);
  }

  get paused(): boolean {
    return this.pausedByPage;
  }

  pause(): void {
    this.pausedByPage = true;
  }

  resume(): void {
    this.pausedByPage = false;
    this.resumeWaiter?.();
  }

  stop(): void {
    this.abort.abort();
    this.resume();
  }

  loseContext(): void {
    this.contextLost = true;
    this.abort.abort();
    this.resumeWaiter?.();
    this.rejectLost(new Error('the WebGL context was lost'));
  }

  /** Resolves when the page resumes (or stops) a paused run; at once when not paused. */
  async waitWhilePaused(): Promise<void> {
    if (!this.pausedByPage) return;
    await new Promise<void>((resolve) => {
      this.resumeWaiter = resolve;
    });
    this.resumeWaiter = undefined;
  }
}
