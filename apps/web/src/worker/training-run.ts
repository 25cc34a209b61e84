import { SimpleCNN } from '@cnnkit/models';
import { SgdOptimizer, train } from '@cnnkit/trainer';
import type { ThreadSetting, TrainOutcome, TrainSettings } from '../protocol.js';
import { ProgressReporter } from './progress-reporter.js';
import { RunControl } from './run-control.js';
import { trainingLoaders } from './training-loaders.js';
import { endedOutcome, failedOutcome } from './training-outcome.js';
import { TrainingReports } from './training-reports.js';
import { applyThreadSetting } from './wasm-threads.js';
import { WeightSnapshots } from './weight-snapshots.js';
import { pageWeightsInfo } from './weights-info.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Trains a new SimpleCNN (initialised from the settings' seed) on the session's data and
 * active backend, posting progress, epoch results and inspections, until it finishes, is
 * stopped, its loss is not finite or the GPU context is lost; resolves with how it ended.
 * The run holds the session's TensorFlow.js queue (a background backend check in progress
 * finishes first); pause and stop reach it from the moment it is requested.
 */
export async function runTraining(
  session: WorkerSession,
  settings: TrainSettings,
  threads: ThreadSetting,
): Promise<TrainOutcome> {
  if (session.run) throw new Error('training is already running');
  const control = new RunControl();
  session.run = control;
  try {
    return await session.exclusive(async () => {
      await applyThreadSetting(session, threads, settings.batchSize);
      return trainOnce(session, settings, control);
    });
  } finally {
    session.run = undefined;
  }
}

async function trainOnce(
  session: WorkerSession,
  settings: TrainSettings,
  control: RunControl,
): Promise<TrainOutcome> {
  const data = session.requireData();
  const backend = session.activeBackend;
  if (!backend) throw new Error('no backend is active');
  const loaders = trainingLoaders(data, settings);
  session.model?.dispose();
  const model = SimpleCNN.create({ seed: settings.seed, numClasses: data.train.classNames.length });
  session.model = model;
  session.weightsInfo = pageWeightsInfo(data.train.classNames);
  const optimizer = new SgdOptimizer(model.parameters, {
    lr: settings.lr,
    momentum: settings.momentum,
  });
  const progress = new ProgressReporter(session.post, loaders.trainData.batchesPerEpoch);
  const snapshots = new WeightSnapshots(session, model, backend !== 'wasm' && backend !== 'cpu');
  await snapshots.take(0);
  const reports = new TrainingReports(session, model, loaders.trainEval, {
    control,
    progress,
    snapshots,
  });
  try {
    const result = await Promise.race([
      train({
        model,
        optimizer,
        trainData: loaders.trainData,
        testData: loaders.testData,
        epochs: settings.epochs,
        checkpointAtEpochEnd: false,
        signal: control.abort.signal,
        onEvent: (event) => reports.onEvent(event),
      }),
      control.lost,
    ]);
    if (control.contextLost) throw new Error('context lost');
    progress.flush();
    return await endedOutcome(session, result, {
      settings,
      batchesPerEpoch: loaders.trainData.batchesPerEpoch,
      averageImagesPerSecond: progress.averageImagesPerSecond,
    });
  } catch (error) {
    if (control.contextLost) {
      // The abandoned run may never settle (its read-back waits on a dead context); its
      // optimizer and tensors lived on that context and are gone with it.
      session.run = undefined;
    }
    return failedOutcome(session, error, {
      contextLost: control.contextLost,
      settings,
      step: progress.lastStep,
      snapshotStep: snapshots.step,
      averageImagesPerSecond: progress.averageImagesPerSecond,
    });
  } finally {
    try {
      optimizer.dispose();
    } catch {
      // After a lost context its buffers are already gone.
    }
  }
}
