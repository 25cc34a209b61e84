import type { TrainingEvent } from '@cnnkit/contracts';
import { type Cifar10Data, DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { SimpleCNN } from '@cnnkit/models';
import { evaluate, NonFiniteLossError, SgdOptimizer, train } from '@cnnkit/trainer';
import type { TrainOutcome, TrainSettings } from '../protocol.js';
import { recoverFromLostContext } from './backend-switching.js';
import { firstLine } from './first-line.js';
import { inspect, summariseEvaluation } from './inspection.js';
import { ProgressReporter } from './progress-reporter.js';
import { RunControl } from './run-control.js';
import { WeightSnapshots } from './weight-snapshots.js';
import type { WorkerSession } from './worker-session.js';

/** Training images the per-epoch train accuracy is measured on. */
const TRAIN_EVAL_IMAGES = 2000;

function loadersFor(data: Cifar10Data, settings: TrainSettings) {
  const trainData = new DataLoader(data.train, {
    batchSize: settings.batchSize,
    shuffle: true,
    seed: settings.seed,
    limit: settings.limit ?? undefined,
    transform: tutorialTransform(),
  });
  return {
    trainData,
    testData: new DataLoader(data.test, { batchSize: 500, transform: tutorialTransform() }),
    trainEval: new DataLoader(data.train, {
      batchSize: 500,
      limit: Math.min(TRAIN_EVAL_IMAGES, trainData.imagesPerEpoch),
      transform: tutorialTransform(),
    }),
  };
}

/**
 * Trains a new SimpleCNN (initialised from the settings' seed) on the session's data and
 * active backend, posting progress, epoch results and inspections, until it finishes, is
 * stopped, its loss is not finite or the GPU context is lost; resolves with how it ended.
 */
export async function runTraining(
  session: WorkerSession,
  settings: TrainSettings,
): Promise<TrainOutcome> {
  if (session.run) throw new Error('training is already running');
  const data = session.requireData();
  const backend = session.activeBackend;
  if (!backend) throw new Error('no backend is active');
  const { trainData, testData, trainEval } = loadersFor(data, settings);
  session.model?.dispose();
  const model = SimpleCNN.create({ seed: settings.seed });
  session.model = model;
  const optimizer = new SgdOptimizer(model.parameters, {
    lr: settings.lr,
    momentum: settings.momentum,
  });
  const control = new RunControl();
  session.run = control;
  const progress = new ProgressReporter(session.post, trainData.batchesPerEpoch);
  const snapshots = new WeightSnapshots(session, model, backend !== 'wasm' && backend !== 'cpu');

  const onEvent = async (event: TrainingEvent): Promise<void> => {
    if (event.type === 'batch-end') {
      progress.batchEnded(event);
      snapshots.takeIfDue(event.step);
      await session.yieldToEventLoop();
      if (control.paused) {
        progress.flush();
        await control.waitWhilePaused();
        progress.restartClock();
      }
    } else if (event.type === 'epoch-end' && event.test) {
      progress.flush();
      const trainResult = await evaluate(model, trainEval, { numClasses: model.numClasses });
      session.post({
        type: 'epoch',
        epoch: event.epoch,
        step: event.step,
        trainLoss: event.trainLoss,
        trainAccuracy: trainResult.accuracy,
        trainEvalCount: trainResult.count,
        testAccuracy: event.test.accuracy,
      });
      snapshots.take(event.step);
      session.post({
        type: 'inspection',
        inspection: await inspect(session, summariseEvaluation(event.test)),
      });
      progress.restartClock();
    }
  };

  try {
    const training = train({
      model,
      optimizer,
      trainData,
      testData,
      epochs: settings.epochs,
      checkpointAtEpochEnd: false,
      signal: control.abort.signal,
      onEvent,
    });
    const result = await Promise.race([training, control.lost]);
    if (control.contextLost) throw new Error('context lost');
    progress.flush();
    const steps = result.state.step;
    if (result.stopReason === 'aborted') {
      return { reason: 'stopped', message: `Stopped after step ${steps}.`, step: steps };
    }
    const final = result.state.history.at(-1)?.test;
    const epochs = `${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}`;
    const accuracy = final ? `: test accuracy ${(100 * final.accuracy).toFixed(1)} %` : '';
    return {
      reason: 'completed',
      message: `Finished ${epochs} (${steps} steps)${accuracy}.`,
      step: steps,
    };
  } catch (error) {
    const step = progress.lastStep;
    if (control.contextLost) {
      // The abandoned run may never settle (its read-back waits on a dead context); its
      // optimizer and tensors lived on that context and are gone with it.
      session.run = undefined;
      await recoverFromLostContext(session);
      return {
        reason: 'context-lost',
        message: `The WebGL context was lost at step ${step}; training stopped. The last copy of the weights taken before the loss (step ${snapshots.step}) was kept and moved to ${session.activeBackend ?? 'no backend'}.`,
        step,
      };
    }
    if (error instanceof NonFiniteLossError) {
      return {
        reason: 'non-finite-loss',
        message: `The loss became ${error.loss} at epoch ${error.epoch + 1}, batch ${error.batch + 1} (lr ${settings.lr}); training stopped and the weights of the last good step were kept. Try a smaller learning rate.`,
        step,
      };
    }
    // Unexpected: keep the stack for bug reports.
    console.error(error);
    return { reason: 'error', message: `Training failed: ${firstLine(error)}`, step };
  } finally {
    try {
      optimizer.dispose();
    } catch {
      // After a lost context its buffers are already gone.
    }
    session.run = undefined;
  }
}
