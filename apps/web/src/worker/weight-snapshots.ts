import type { TrainableClassifier } from '@cnnkit/contracts';
import { modelBytes } from './model-bytes.js';
import type { WorkerSession } from './worker-session.js';

/** GPU backends can lose their context; keep a CPU-side copy of the weights this often. */
const SNAPSHOT_MS = 10_000;

/**
 * Keeps `session.lastGoodWeights` recent during a run: at the start ({@link WeightSnapshots.take}
 * with step 0), at each epoch end, and on GPU backends every {@link SNAPSHOT_MS} (reading
 * weights back costs time, and on wasm and cpu they cannot be lost).
 */
export class WeightSnapshots {
  /** The step of the latest copy. */
  step = 0;
  private at = performance.now();

  constructor(
    private readonly session: WorkerSession,
    private readonly model: TrainableClassifier,
    private readonly onGpu: boolean,
  ) {}

  async take(step: number): Promise<void> {
    this.session.lastGoodWeights = await modelBytes(this.model);
    this.at = performance.now();
    this.step = step;
  }

  async takeIfDue(step: number): Promise<void> {
    if (this.onGpu && performance.now() - this.at >= SNAPSHOT_MS) await this.take(step);
  }
}
