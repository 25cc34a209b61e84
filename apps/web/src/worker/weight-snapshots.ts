import type { SimpleCNN } from '@cnnkit/models';
import type { WorkerSession } from './worker-session.js';

/** GPU backends can lose their context; keep a CPU-side copy of the weights this often. */
const SNAPSHOT_MS = 10_000;

/**
 * Keeps `session.lastGoodWeights` recent during a run: at the start, at each epoch end, and on
 * GPU backends every {@link SNAPSHOT_MS} (reading weights back costs time, and on wasm and cpu
 * they cannot be lost).
 */
export class WeightSnapshots {
  /** The step of the latest copy. */
  step = 0;
  private at = performance.now();

  constructor(
    private readonly session: WorkerSession,
    private readonly model: SimpleCNN,
    private readonly onGpu: boolean,
  ) {
    session.lastGoodWeights = model.saveWeights();
  }

  take(step: number): void {
    this.session.lastGoodWeights = this.model.saveWeights();
    this.at = performance.now();
    this.step = step;
  }

  takeIfDue(step: number): void {
    if (this.onGpu && performance.now() - this.at >= SNAPSHOT_MS) this.take(step);
  }
}
