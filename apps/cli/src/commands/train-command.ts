import { rmdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { EpochRecord, EvaluationResult, JsonValue, TrainingMethod } from '@cnnkit/contracts';
import {
  type BatchTransform,
  colorJitter,
  compose,
  normalize,
  randomHorizontalFlip,
  randomResizedCrop,
  toTensor,
} from '@cnnkit/datasets';
import { describeModel } from '@cnnkit/models';
import {
  initialiseFromData,
  recipeLoaders,
  recipeNormalize,
  sgdConfigFor,
  trainingMethodFor,
} from '@cnnkit/recipes';
import {
  createCheckpoint,
  LookaheadAveraging,
  NonFiniteLossError,
  restoreCheckpoint,
  SgdOptimizer,
  train,
} from '@cnnkit/trainer';
import { openMetricsLog, saveCheckpoint } from '@cnnkit/trainer/node';
import { defaultTrainingThreads } from '@cnnkit/wasm-kernels/node';
import { writeFileAtomically } from '../atomic-file.js';
import { selectBackend } from '../backend.js';
import type { TrainOptions } from '../cli-program.js';
import type { LoadedData } from '../data-source.js';
import { describeFileSystemError, isFileSystemError } from '../file-system-errors.js';
import { describeSplit } from '../image-folder-report.js';
import { abortOnSignals } from '../interrupt.js';
import { invocation, shellWord, suggestedCommand } from '../invocation.js';
import { outOfMemoryError } from '../out-of-memory.js';
import { plural } from '../plural.js';
import { createProgressDisplay } from '../progress-display.js';
import {
  createDirectory,
  defaultRunDirectory,
  describeRun,
  removeLeftovers,
  removeRunFiles,
  runFilesIn,
  runPaths,
} from '../run-directory.js';
import { acquireRunLock } from '../run-lock.js';
import { createRunModel, startFromWeights } from '../run-model.js';
import { planNewRun, planResume, type RunPlan } from '../run-plan.js';
import { RUN_FORMAT, type RunRecord, type RunSettings, writeRunRecord } from '../run-settings.js';
import { formatEvaluation, perClassRecord } from '../run-summary.js';
import { checkReplicas, startTrainingThreads, type TrainingThreads } from '../training-threads.js';
import { exitCodes, UsageError, UserError } from '../user-errors.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/**
 * The tutorial's `--augment` (crop-flip) on photos: a random part of at least a quarter of the
 * (already resized) image, flips and mild colour changes, on [0, 1] floats before
 * normalisation as torchvision usually orders them. CIFAR-10 keeps the recipe's own transform,
 * and so does flip-translate, which suits any image size. Undefined: the recipe's.
 */
function photoTransform(settings: RunSettings, loaded: LoadedData): BatchTransform | undefined {
  if (!settings.augment || settings.augmentation !== 'crop-flip' || loaded.kind === 'cifar10') {
    return undefined;
  }
  const { mean, std } = recipeNormalize(settings.normalization);
  return compose(
    randomResizedCrop(loaded.data.train.height, { scale: [0.25, 1] }),
    randomHorizontalFlip(0.5),
    toTensor(),
    colorJitter({ brightness: 0.2, contrast: 0.2, saturation: 0.2 }),
    normalize(mean, std),
  );
}

/** What the run is writing at the moment, for the message when the disk says no. */
interface Activity {
  path: string;
  doing: string;
}

function checkFlagCombinations(options: TrainOptions): void {
  if (options.resume !== undefined && options.force) {
    throw new UsageError(
      '--force starts a new run and cannot be used with --resume; use --out <dir> --force.',
    );
  }
  if (options.freeze && options.initWeights === undefined && options.resume === undefined) {
    throw new UsageError(
      '--freeze keeps the feature layers of --init-weights fixed; give --init-weights <file.safetensors> too.',
    );
  }
  if (options.resume !== undefined && options.out !== undefined && options.out !== options.resume) {
    throw new UsageError(
      `--out ${options.out} and --resume ${options.resume} name different directories; a resumed run stays in its own directory, so pass only --resume.`,
    );
  }
}

async function checkRunDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UserError(`${dir}: no such run directory; check the path given to --resume.`);
  }
  throw new UserError(`${dir} is a file, not a run directory; check the path given to --resume.`);
}

/** `cnnkit train`: the tutorial recipe by default, resumable, with progress and metrics. */
export async function trainCommand(
  options: TrainOptions,
  given: ReadonlySet<string> = new Set(),
): Promise<void> {
  checkFlagCombinations(options);
  const dir = options.resume ?? options.out ?? defaultRunDirectory();
  const resumeCommand = suggestedCommand('train', '--resume', shellWord(dir));
  const activity: Activity = { path: dir, doing: 'creating the run directory' };
  let created = false;
  let recorded = false; // run.json written: the run can be resumed from here on
  let lock: Awaited<ReturnType<typeof acquireRunLock>> | undefined;
  try {
    if (options.resume !== undefined) await checkRunDirectory(dir);
    else created = await createDirectory(dir);
    activity.doing = 'locking the run directory';
    lock = await acquireRunLock(dir, {
      command: [invocation(), ...process.argv.slice(2).map(shellWord)].join(' '),
      notify,
    });
    const found = await runFilesIn(dir);
    if (options.resume === undefined && found.length > 0) {
      if (!options.force) {
        throw new UserError(
          `${dir} already holds ${await describeRun(dir)} (${found.join(', ')}); continue it with \`${resumeCommand}\`, or add --force to delete it and start over.`,
        );
      }
      activity.doing = 'deleting the old run (--force)';
      notify(`--force: deleting ${await describeRun(dir)} in ${dir} (${found.join(', ')})`);
      await removeRunFiles(dir);
    }

    activity.doing = 'removing temporary files';
    const leftovers = await removeLeftovers(dir);
    if (leftovers.length > 0) {
      notify(`removed what a stopped run left unfinished: ${leftovers.join(', ')}`);
    }
    activity.doing = 'reading the run';
    const plan =
      options.resume === undefined
        ? await planNewRun(options, notify)
        : await planResume(dir, options, given, notify);
    if (plan.start.epoch >= plan.epochs) {
      recorded = true;
      await reportFinishedRun(dir, plan, options, activity);
      return;
    }
    await trainRun(dir, plan, options, activity, () => {
      recorded = true;
    });
  } catch (error) {
    throw asUserError(error, activity, recorded ? resumeCommand : undefined, dir);
  } finally {
    await lock?.release();
    // A new run that failed before it started leaves no empty directory behind.
    if (created && !recorded) await rmdir(dir).catch(() => {});
  }
}

function asUserError(
  error: unknown,
  activity: Activity,
  resumeCommand: string | undefined,
  dir: string,
): unknown {
  if (error instanceof NonFiniteLossError) {
    return new UserError(
      `${error.message.replace(/\.$/, '')}. The run in ${dir} cannot go on with these settings: start a new run with --out <new dir>.`,
    );
  }
  if (isFileSystemError(error)) {
    return new UserError(
      describeFileSystemError(error, {
        path: activity.path,
        doing: activity.doing,
        ...(resumeCommand ? { afterwards: `continue with \`${resumeCommand}\`` } : {}),
      }),
    );
  }
  return error;
}

/** The settings train() stores in checkpoints, so a checkpoint alone still says what ran. */
function checkpointConfig(plan: RunPlan): { readonly [key: string]: JsonValue } {
  const { data, ...settings } = plan.settings;
  return {
    ...(settings as unknown as { readonly [key: string]: JsonValue }),
    epochs: plan.epochs,
    data: data.source,
    dataSha256: data.sha256,
  };
}

async function recordSession(
  dir: string,
  plan: RunPlan,
  backend: string,
  activity: Activity,
): Promise<void> {
  const previous = plan.record;
  if (previous && previous.settings.epochs !== plan.epochs) {
    notify(
      `epochs: ${previous.settings.epochs} → ${plan.epochs} (recorded in ${runPaths(dir).settings})`,
    );
  }
  const record: RunRecord = {
    format: RUN_FORMAT,
    settings: plan.settings,
    sessions: [
      ...(previous?.sessions ?? []),
      {
        startedAt: new Date().toISOString(),
        fromStep: plan.start.step,
        epochs: plan.epochs,
        backend,
      },
    ],
  };
  activity.path = runPaths(dir).settings;
  activity.doing = 'writing the run settings';
  await writeRunRecord(runPaths(dir).settings, record);
}

async function trainRun(
  dir: string,
  plan: RunPlan,
  options: TrainOptions,
  activity: Activity,
  onRecorded: () => void,
): Promise<void> {
  const paths = runPaths(dir, plan.settings.model);
  const { settings, data: loaded } = plan;
  const classNames = loaded.data.train.classNames;
  const dataOptions = {
    train: loaded.data.train,
    test: loaded.data.test,
    seed: settings.seed,
    ...(settings.limit === null ? {} : { limit: settings.limit }),
    ...(settings.testLimit == null ? {} : { testLimit: settings.testLimit }),
  };
  const trainTransform = photoTransform(settings, loaded);
  let loaders: ReturnType<typeof recipeLoaders>;
  try {
    loaders = recipeLoaders(settings, {
      ...dataOptions,
      ...(trainTransform ? { trainTransform } : {}),
    });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const { trainData, testData } = loaders;

  const threads =
    options.threads ?? defaultTrainingThreads(settings.batchSize, availableParallelism());
  const backend = await selectBackend({ requested: options.backend, threads, log: notify });
  const run = createRunModel(settings, loaded);
  const { model } = run;
  try {
    // Before the run is recorded: a refused flag leaves no run directory to --force away.
    checkReplicas({
      replicas: options.replicas ?? false,
      backend: backend.name,
      model,
      name: settings.model,
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  await recordSession(dir, plan, backend.name, activity);
  onRecorded();
  let optimizer: SgdOptimizer;
  let method: TrainingMethod;
  let averaging: LookaheadAveraging | undefined;
  if (plan.checkpoint) {
    const { start } = plan;
    notify(
      `resuming ${dir} at epoch ${start.epoch + 1}, batch ${start.batchInEpoch} (step ${start.step})`,
    );
    try {
      const restored = restoreCheckpoint(plan.checkpoint, model, { parameters: run.trained });
      ({ optimizer, method, averaging } = restored);
    } catch (error) {
      model.dispose();
      throw new UserError(`cannot resume ${dir}: ${(error as Error).message}`);
    }
  } else {
    try {
      if (settings.initWeights !== null) {
        for (const line of await startFromWeights(run, settings, settings.initWeights)) {
          notify(line);
        }
      } else {
        await initialiseFromData(model, settings, loaded.data.train, {
          ...(settings.limit === null ? {} : { limit: settings.limit }),
        });
      }
    } catch (error) {
      model.dispose();
      throw error instanceof UserError ? error : new UserError((error as Error).message);
    }
    optimizer = new SgdOptimizer(run.trained, sgdConfigFor(settings));
    method = trainingMethodFor(settings, model);
    averaging = method.lookahead ? LookaheadAveraging.forModel(model, method.lookahead) : undefined;
  }
  const disposeRun = () => {
    averaging?.dispose();
    optimizer.dispose();
    model.dispose();
  };
  const config = checkpointConfig(plan);
  const { train: trainSet } = loaded.data;
  let trainingThreads: TrainingThreads;
  try {
    trainingThreads = await startTrainingThreads({
      replicas: options.replicas ?? false,
      threads,
      batchSize: settings.batchSize,
      model,
      spec: {
        model: settings.model,
        modelOptions: { seed: settings.seed, ...run.info.modelOptions },
      },
      imageShape: [trainSet.height, trainSet.width, trainSet.channels],
    });
  } catch (error) {
    disposeRun();
    throw error;
  }

  if (loaded.report) {
    notify(
      `${loaded.source}: ${plural(classNames.length, 'class', 'classes')} (${classNames.join(', ')}), ${loaded.data.train.height}×${loaded.data.train.width} (${loaded.image?.resize}); ${describeSplit(loaded.report)}`,
    );
  }
  notify(
    `training ${describeModel(settings.model).className} with the ${settings.recipe} recipe on ${plural(trainData.imagesPerEpoch, 'image')} (${loaded.source}), ` +
      `${plural(plan.epochs, 'epoch')}, batch ${settings.batchSize}, lr ${settings.lr}, momentum ${settings.momentum}, seed ${settings.seed}; ` +
      `backend ${backend.name}; run directory ${dir}`,
  );
  if (trainingThreads.description) notify(trainingThreads.description);

  activity.path = paths.metrics;
  activity.doing = 'opening the metrics log';
  const metrics = await openMetricsLog(paths.metrics, {
    ...(options.resume === undefined ? {} : { resumeFromStep: plan.start.step }),
    onDamagedLine: (line, text) =>
      notify(
        `${paths.metrics} line ${line} is damaged and was dropped (${JSON.stringify(text.slice(0, 40))}); the run continues`,
      ),
  });
  const progress = createProgressDisplay();
  const interrupt = abortOnSignals((signal) =>
    progress.log(
      `cnnkit: ${signal}: stopping after this batch and writing a checkpoint (Ctrl-C again to quit now)`,
    ),
  );
  let imagesTrained = 0;
  let overheadMs = 0; // test evaluation and checkpoint writes, excluded from images/s
  let lastTest: EvaluationResult | undefined;
  const started = performance.now();
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({
      model,
      optimizer,
      method,
      ...(averaging ? { averaging } : {}),
      trainData,
      testData,
      epochs: plan.epochs,
      reportEvery: settings.reportEvery,
      checkpointEvery: settings.checkpointEvery,
      config,
      start: plan.start,
      signal: interrupt.signal,
      ...(trainingThreads.gradients ? { gradients: trainingThreads.gradients } : {}),
      onEvent: async (event) => {
        activity.path = paths.metrics;
        activity.doing = 'appending to the metrics log';
        await metrics.append(event);
        switch (event.type) {
          case 'batch-end': {
            imagesTrained += event.batchSize;
            const seconds = (performance.now() - started - overheadMs) / 1000;
            progress.update({
              epoch: event.epoch + 1,
              epochs: plan.epochs,
              batch: event.batch + 1,
              batchesPerEpoch: trainData.batchesPerEpoch,
              imagesPerSecond: imagesTrained / seconds,
              loss: event.loss,
            });
            break;
          }
          case 'report':
            progress.log(event.text);
            break;
          case 'epoch-end':
            if (event.test) {
              lastTest = event.test;
              overheadMs += (1000 * event.test.count) / event.test.imagesPerSecond;
              progress.log(
                `epoch ${event.epoch + 1}: train loss ${event.trainLoss.toFixed(4)}, test accuracy ${(100 * event.test.accuracy).toFixed(1)} %`,
              );
            }
            break;
          case 'checkpoint': {
            const t0 = performance.now();
            activity.path = paths.checkpoints;
            activity.doing = 'writing a checkpoint';
            await saveCheckpoint(paths.checkpoints, event.checkpoint);
            overheadMs += performance.now() - t0;
            break;
          }
        }
      },
    });
  } catch (error) {
    const outOfMemory = outOfMemoryError(error, {
      backend: backend.name,
      batchSize: settings.batchSize,
      dir,
    });
    // A full wasm heap is damaged: disposing would trap again.
    if (outOfMemory) throw outOfMemory;
    await trainingThreads.close().catch(() => undefined);
    disposeRun();
    throw error;
  } finally {
    interrupt.release();
    progress.stop();
  }
  await trainingThreads.close();
  const trainSeconds = (performance.now() - started - overheadMs) / 1000;

  if (result.stopReason === 'aborted') {
    activity.path = paths.checkpoints;
    activity.doing = 'writing the checkpoint after the interrupt';
    await saveCheckpoint(
      paths.checkpoints,
      createCheckpoint({
        model,
        optimizer,
        state: result.state,
        config,
        method,
        ...(averaging ? { averaging } : {}),
      }),
    );
    disposeRun();
    notify(
      `stopped at step ${result.state.step}; continue with: ${suggestedCommand('train', '--resume', shellWord(dir))}`,
    );
    process.exitCode = exitCodes.interrupted;
    return;
  }

  activity.path = paths.weights;
  activity.doing = 'writing the final weights';
  await writeFileAtomically(paths.weights, model.saveWeights());
  disposeRun();
  const final = lastTest ?? result.state.history.at(-1)?.test;
  if (!final) throw new Error('training finished without a test evaluation');
  printSummary(dir, plan, options, {
    final,
    classNames,
    trainImages: trainData.imagesPerEpoch,
    steps: result.state.step,
    imagesTrained,
    trainSeconds,
    backend: backend.name,
  });
}

/** A run that has trained all its epochs: its results, and its weights if they are missing. */
async function reportFinishedRun(
  dir: string,
  plan: RunPlan,
  options: TrainOptions,
  activity: Activity,
): Promise<void> {
  const paths = runPaths(dir, plan.settings.model);
  const last: EpochRecord | undefined = plan.start.history.at(-1);
  notify(
    `${dir} has already trained its ${plural(plan.epochs, 'epoch')}; nothing to train (add --epochs ${plan.epochs + 1} or more to train it further)`,
  );
  try {
    await stat(paths.weights);
  } catch {
    // Stopped between its last checkpoint and the weights file: the checkpoint has them.
    if (plan.checkpoint) {
      activity.path = paths.weights;
      activity.doing = 'writing the final weights';
      await writeFileAtomically(paths.weights, plan.checkpoint.weights);
    }
  }
  if (!last?.test) throw new UserError(`${dir} has no test result in its checkpoint.`);
  const limit = plan.settings.limit;
  printSummary(dir, plan, options, {
    final: last.test,
    classNames: plan.data.data.test.classNames,
    trainImages: limit ?? plan.data.data.train.count,
    steps: plan.start.step,
    imagesTrained: 0,
    trainSeconds: 0,
    backend: null,
  });
}

function printSummary(
  dir: string,
  plan: RunPlan,
  options: TrainOptions,
  run: {
    final: Omit<EvaluationResult, 'imagesPerSecond'>;
    classNames: readonly string[];
    trainImages: number;
    steps: number;
    imagesTrained: number;
    trainSeconds: number;
    backend: string | null;
  },
): void {
  const paths = runPaths(dir, plan.settings.model);
  const { final } = run;
  const imagesPerSecond = run.imagesTrained > 0 ? run.imagesTrained / run.trainSeconds : null;
  const summary = {
    accuracy: final.accuracy,
    loss: final.loss,
    classNames: run.classNames,
    perClassAccuracy: perClassRecord(run.classNames, final.perClassAccuracy),
    confusionMatrix: final.confusionMatrix,
    testImages: final.count,
    trainImages: run.trainImages,
    epochs: plan.epochs,
    steps: run.steps,
    imagesPerSecond,
    trainSeconds: run.trainSeconds,
    backend: run.backend,
    data: plan.data.source,
    ...(plan.data.report
      ? {
          split: describeSplit(plan.data.report),
          skippedFiles: plan.data.report.skipped,
        }
      : {}),
    weights: paths.weights,
    runDirectory: dir,
    config: checkpointConfig(plan),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const speed =
    imagesPerSecond === null
      ? ''
      : `trained ${plural(run.imagesTrained, 'image')} in ${run.trainSeconds.toFixed(1)} s ` +
        `(${imagesPerSecond.toFixed(0)} images/s${plan.checkpoint ? ' in this session' : ''}) on ${run.backend}\n`;
  process.stdout.write(
    `${formatEvaluation(final, run.classNames)}\n${speed}weights: ${paths.weights}\n`,
  );
}
