import { rename, writeFile } from 'node:fs/promises';
import type { Checkpoint, EvaluationResult, JsonValue, TrainingState } from '@cnnkit/contracts';
import {
  compose,
  DataLoader,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  toTensor,
  tutorialTransform,
} from '@cnnkit/datasets';
import { SimpleCNN } from '@cnnkit/models';
import { createCheckpoint, restoreCheckpoint, SgdOptimizer, train } from '@cnnkit/trainer';
import { loadCheckpoint, openMetricsLog, saveCheckpoint } from '@cnnkit/trainer/node';
import { selectBackend } from '../backend.js';
import type { TrainOptions } from '../cli-program.js';
import { loadData } from '../data-source.js';
import { abortOnSignals } from '../interrupt.js';
import { createProgressDisplay } from '../progress-display.js';
import { defaultRunDirectory, runPaths } from '../run-directory.js';
import { formatEvaluation, perClassRecord } from '../run-summary.js';
import { exitCodes, UserError } from '../user-errors.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/** The settings that define a run; stored in checkpoints so `--resume` continues the same run. */
interface RunConfig {
  readonly [key: string]: JsonValue;
  readonly model: 'simple-cnn';
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly momentum: number;
  readonly seed: number;
  readonly limit: number | null;
  readonly augment: boolean;
  readonly data: string | null;
}

async function readResumeCheckpoint(dir: string): Promise<Checkpoint> {
  try {
    return await loadCheckpoint(runPaths(dir).checkpoints);
  } catch (error) {
    throw new UserError(`cannot resume from ${dir}: ${(error as Error).message}`);
  }
}

function trainingTransform(augment: boolean) {
  // Augmentation works on [0, 1] floats before normalisation, like torchvision's usual order.
  return augment
    ? compose(toTensor(), randomCrop(32, 4), randomHorizontalFlip(0.5), normalize(0.5, 0.5))
    : tutorialTransform();
}

async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

/** `cnnkit train`: the tutorial recipe by default, resumable, with progress and metrics. */
export async function trainCommand(options: TrainOptions): Promise<void> {
  const resumed = options.resume ? await readResumeCheckpoint(options.resume) : undefined;
  const config: RunConfig = resumed
    ? (resumed.state.config as RunConfig)
    : {
        model: 'simple-cnn',
        epochs: options.epochs,
        batchSize: options.batchSize,
        lr: options.lr,
        momentum: options.momentum,
        seed: options.seed,
        limit: options.limit ?? null,
        augment: options.augment,
        data: options.data ?? null,
      };
  if (resumed) {
    notify(
      `resuming ${options.resume} at epoch ${resumed.state.epoch + 1}, batch ${resumed.state.batchInEpoch} (step ${resumed.state.step}); run settings come from its checkpoint`,
    );
  }
  const outDir = options.resume ?? options.out ?? defaultRunDirectory();
  const paths = runPaths(outDir);

  const backend = await selectBackend({ requested: options.backend, log: notify });
  const { data, source } = await loadData({
    data: options.data ?? config.data ?? undefined,
    cacheDir: options.cacheDir,
    notify,
  });
  const classNames = data.train.classNames;
  let trainData: DataLoader;
  try {
    trainData = new DataLoader(data.train, {
      batchSize: config.batchSize,
      shuffle: true,
      seed: config.seed,
      limit: config.limit ?? undefined,
      transform: trainingTransform(config.augment),
    });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const testData = new DataLoader(data.test, { batchSize: 500, transform: tutorialTransform() });

  const model = SimpleCNN.create({ seed: config.seed });
  let optimizer: SgdOptimizer;
  let start: TrainingState | undefined;
  if (resumed) {
    try {
      ({ optimizer, state: start } = restoreCheckpoint(resumed, model));
    } catch (error) {
      throw new UserError(`cannot resume from ${outDir}: ${(error as Error).message}`);
    }
  } else {
    optimizer = new SgdOptimizer(model.parameters, { lr: config.lr, momentum: config.momentum });
  }

  notify(
    `training SimpleCNN on ${trainData.imagesPerEpoch.toLocaleString('en-US')} images (${source}), ` +
      `${config.epochs} epochs, batch ${config.batchSize}, lr ${config.lr}, momentum ${config.momentum}, seed ${config.seed}; ` +
      `backend ${backend.name}; run directory ${outDir}`,
  );

  const metrics = await openMetricsLog(paths.metrics, start ? { resumeFromStep: start.step } : {});
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
      trainData,
      testData,
      epochs: config.epochs,
      reportEvery: options.reportEvery,
      checkpointEvery: options.checkpointEvery,
      config,
      ...(start ? { start } : {}),
      signal: interrupt.signal,
      onEvent: async (event) => {
        await metrics.append(event);
        switch (event.type) {
          case 'batch-end': {
            imagesTrained += Math.min(
              config.batchSize,
              trainData.imagesPerEpoch - event.batch * config.batchSize,
            );
            const seconds = (performance.now() - started - overheadMs) / 1000;
            progress.update({
              epoch: event.epoch + 1,
              epochs: config.epochs,
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
            await saveCheckpoint(paths.checkpoints, event.checkpoint);
            overheadMs += performance.now() - t0;
            break;
          }
        }
      },
    });
  } finally {
    interrupt.release();
    progress.stop();
  }
  const trainSeconds = (performance.now() - started - overheadMs) / 1000;

  if (result.stopReason === 'aborted') {
    await saveCheckpoint(
      paths.checkpoints,
      createCheckpoint({ model, optimizer, state: result.state, config }),
    );
    notify(`stopped at step ${result.state.step}; continue with: cnnkit train --resume ${outDir}`);
    process.exitCode = exitCodes.interrupted;
    return;
  }

  await writeFileAtomically(paths.weights, model.saveWeights());
  const final = lastTest ?? result.state.history.at(-1)?.test;
  if (!final) throw new Error('training finished without a test evaluation');
  const summary = {
    accuracy: final.accuracy,
    loss: final.loss,
    perClassAccuracy: perClassRecord(classNames, final.perClassAccuracy),
    confusionMatrix: final.confusionMatrix,
    testImages: final.count,
    trainImages: trainData.imagesPerEpoch,
    epochs: config.epochs,
    steps: result.state.step,
    imagesPerSecond: imagesTrained / trainSeconds,
    trainSeconds,
    backend: backend.name,
    data: source,
    weights: paths.weights,
    runDirectory: outDir,
    config,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(
      `${formatEvaluation(final, classNames)}\n` +
        `trained ${imagesTrained.toLocaleString('en-US')} images in ${trainSeconds.toFixed(1)} s ` +
        `(${summary.imagesPerSecond.toFixed(0)} images/s${resumed ? ' in this session' : ''}) on ${backend.name}\n` +
        `weights: ${paths.weights}\n`,
    );
  }
  model.dispose();
  optimizer.dispose();
}
