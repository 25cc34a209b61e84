import type {
  BatchEndEvent,
  EpochEndEvent,
  TrainableClassifier,
  TrainingEvent,
} from '@cnnkit/contracts';
import type { DataLoader } from '@cnnkit/datasets';
import { evaluate } from '@cnnkit/trainer';
import { inspect, summariseEvaluation } from './inspection.js';
import type { ProgressReporter } from './progress-reporter.js';
import type { RunControl } from './run-control.js';
import type { WeightSnapshots } from './weight-snapshots.js';
import type { WorkerSession } from './worker-session.js';

/**
 * What a run does with the trainer's events: progress after batches (and waiting while
 * paused), train accuracy, an inspection and a weights copy after each evaluated epoch.
 */
export class TrainingReports {
  constructor(
    private readonly session: WorkerSession,
    private readonly model: TrainableClassifier,
    private readonly trainEval: DataLoader,
    private readonly run: {
      readonly control: RunControl;
      readonly progress: ProgressReporter;
      readonly snapshots: WeightSnapshots;
    },
  ) {}

  async onEvent(event: TrainingEvent): Promise<void> {
    if (event.type === 'batch-end') await this.batchEnded(event);
    else if (event.type === 'epoch-end') await this.epochEnded(event);
  }

  private async batchEnded(event: BatchEndEvent): Promise<void> {
    const { control, progress, snapshots } = this.run;
    progress.batchEnded(event);
    await snapshots.takeIfDue(event.step);
    await this.session.yieldToEventLoop();
    if (control.paused) {
      progress.flush();
      await control.waitWhilePaused();
      progress.restartClock();
    }
  }

  private async epochEnded(event: EpochEndEvent): Promise<void> {
    if (!event.test) return;
    const { progress, snapshots } = this.run;
    progress.flush();
    const { model } = this;
    const trainResult = await evaluate(model, this.trainEval, { numClasses: model.numClasses });
    this.session.post({
      type: 'epoch',
      epoch: event.epoch,
      step: event.step,
      trainLoss: event.trainLoss,
      trainAccuracy: trainResult.accuracy,
      trainEvalCount: trainResult.count,
      testAccuracy: event.test.accuracy,
    });
    await snapshots.take(event.step);
    this.session.post({
      type: 'inspection',
      inspection: await inspect(this.session, summariseEvaluation(event.test)),
    });
    progress.restartClock();
  }
}
