import { AIRBENCH_CIFAR10 } from '@cnnkit/airbench-cifar10';
import {
  type RecipeRun,
  type RecipeStartWeights,
  recipeSettings,
  recipeWeightsInfo,
  startRecipeRun,
} from '@cnnkit/recipes';
import { train } from '@cnnkit/trainer';
import type { ThreadSetting, TrainOutcome, TrainSettings } from '../protocol.js';
import { airbenchCifar10Weights } from './airbench-cifar10-weights.js';
import { ProgressReporter } from './progress-reporter.js';
import { RunControl } from './run-control.js';
import { trainEvalLoader } from './train-eval-loader.js';
import { endedOutcome, failedOutcome } from './training-outcome.js';
import { TrainingReports } from './training-reports.js';
import { applyThreadSetting } from './wasm-threads.js';
import { WeightSnapshots } from './weight-snapshots.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Trains a new model with the settings' recipe (`@cnnkit/recipes`: the tutorial's SimpleCNN or
 * the fast recipe's AirbenchNet, one output per class of the loaded data) on the session's data
 * and active backend — from the seed, or fine-tuned from `@cnnkit/airbench-cifar10`'s weights —
 * posting progress, epoch results and inspections, until it finishes, is stopped, its loss is
 * not finite or the GPU context is lost; resolves with how it ended. The run holds the
 * session's TensorFlow.js queue (a background backend check in progress finishes first); pause
 * and stop reach it from the moment it is requested.
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

/** The trained weights a run starts from, or none for a run from the seed. */
async function startWeightsOf(
  session: WorkerSession,
  settings: TrainSettings,
  classNames: readonly string[],
): Promise<RecipeStartWeights | undefined> {
  if (settings.start === 'seed') return undefined;
  if (settings.recipe !== 'fast') {
    throw new Error(
      `${AIRBENCH_CIFAR10.fileName} holds AirbenchNet weights; choose the fast recipe to fine-tune them.`,
    );
  }
  const sameClasses =
    classNames.length === AIRBENCH_CIFAR10.classNames.length &&
    classNames.every((name, i) => name === AIRBENCH_CIFAR10.classNames[i]);
  return {
    bytes: await airbenchCifar10Weights(session),
    reinitialiseHead: !sameClasses,
    freezeFeatures: settings.freezeFeatures,
    source: AIRBENCH_CIFAR10.fileName,
  };
}

/** What a fine-tuning run started from and what it trained, for its ending message. */
function fineTuneNote(run: RecipeRun, classNames: readonly string[]): string {
  const head =
    run.reinitialised.length > 0 ? `a new head for ${classNames.join(', ')}` : 'its head';
  const trained =
    run.trained.length < run.model.parameters.length
      ? `trained ${head} only (${run.trained.map((p) => p.name).join(', ')}; the features stayed as shipped)`
      : `trained every layer, with ${head}`;
  return `Fine-tuned from ${AIRBENCH_CIFAR10.fileName}: ${trained}.`;
}

async function trainOnce(
  session: WorkerSession,
  settings: TrainSettings,
  control: RunControl,
): Promise<TrainOutcome> {
  const data = session.requireData();
  const backend = session.activeBackend;
  if (!backend) throw new Error('no backend is active');
  const { classNames } = data.train;
  const recipe = recipeSettings(settings.recipe, {
    lr: settings.lr,
    momentum: settings.momentum,
    batchSize: settings.batchSize,
    epochs: settings.epochs,
  });
  const startWeights = await startWeightsOf(session, settings, classNames);
  const run: RecipeRun = await startRecipeRun(
    recipe,
    {
      train: data.train,
      test: data.test,
      seed: settings.seed,
      ...(settings.limit === null ? {} : { limit: settings.limit }),
    },
    startWeights,
  );
  const { model, trainData, testData } = run;
  session.model?.dispose();
  session.model = model;
  session.weightsInfo = recipeWeightsInfo(recipe, { classNames });
  const progress = new ProgressReporter(session.post, trainData.batchesPerEpoch);
  const snapshots = new WeightSnapshots(session, model, backend !== 'wasm' && backend !== 'cpu');
  await snapshots.take(0);
  const reports = new TrainingReports(
    session,
    model,
    trainEvalLoader(data, recipe, trainData.imagesPerEpoch),
    { control, progress, snapshots },
  );
  try {
    const result = await Promise.race([
      train({
        model,
        optimizer: run.optimizer,
        method: run.method,
        ...(run.averaging ? { averaging: run.averaging } : {}),
        trainData,
        testData,
        epochs: settings.epochs,
        checkpointAtEpochEnd: false,
        signal: control.abort.signal,
        onEvent: (event) => reports.onEvent(event),
      }),
      control.lost,
    ]);
    if (control.contextLost) throw new Error('context lost');
    progress.flush();
    const outcome = await endedOutcome(session, result, {
      settings,
      batchesPerEpoch: trainData.batchesPerEpoch,
      averageImagesPerSecond: progress.averageImagesPerSecond,
    });
    return startWeights
      ? { ...outcome, message: `${outcome.message} ${fineTuneNote(run, classNames)}` }
      : outcome;
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
      // The model stays: it is the session's now.
      run.averaging?.dispose();
      run.optimizer.dispose();
    } catch {
      // After a lost context its buffers are already gone.
    }
  }
}
