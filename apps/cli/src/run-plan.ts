import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Checkpoint, JsonValue, TrainingState } from '@cnnkit/contracts';
import { largestBatchSize } from '@cnnkit/recipes';
import { initialTrainingState } from '@cnnkit/trainer';
import { LATEST_FILE, loadCheckpoint } from '@cnnkit/trainer/node';
import type { TrainOptions } from './cli-program.js';
import { fingerprintData } from './data-fingerprint.js';
import { type LoadedData, loadData } from './data-source.js';
import { shellWord, suggestedCommand } from './invocation.js';
import { plural } from './plural.js';
import { runPaths } from './run-directory.js';
import {
  conflictingFlags,
  describeData,
  epochsCanChange,
  type RunData,
  type RunRecord,
  type RunSettings,
  readRunRecord,
  settingsFromFlags,
  tutorialRunSettings,
} from './run-settings.js';
import { UserError } from './user-errors.js';

/** What `train` will do in a run directory, worked out before any training or writing. */
export interface RunPlan {
  readonly settings: RunSettings;
  /** Total epochs of the run after this session. */
  readonly epochs: number;
  /** The run's record as read (undefined for a new run or one from before run.json). */
  readonly record?: RunRecord;
  readonly data: LoadedData;
  /** Where training continues from; undefined for a fresh start. */
  readonly checkpoint?: Checkpoint;
  readonly start: TrainingState;
}

type Notify = (line: string) => void;

/** The run's data as stored in run.json: the embedded sample, or an absolute path. */
function runData(loaded: LoadedData): RunData {
  return {
    source: loaded.source === 'sample' ? 'sample' : resolve(loaded.source),
    ...fingerprintData(loaded.data, { withClassNames: loaded.kind === 'image-folder' }),
  };
}

/** How an image folder was decoded and split, for run.json; undefined for CIFAR-10. */
function imageSettings(loaded: LoadedData, options: TrainOptions) {
  if (loaded.image === undefined) return undefined;
  const split = loaded.report?.split;
  return {
    ...loaded.image,
    valSplit: split?.kind === 'seeded' ? split.valSplit : (options.valSplit ?? null),
  };
}

function checkLimit(limit: number | null | undefined, data: RunData): void {
  if (limit != null && limit > data.trainImages) {
    throw new UserError(
      `--limit ${limit} is more than the ${plural(data.trainImages, 'training image')} in ${data.source}; ` +
        `pass at most ${data.trainImages}, or leave --limit out to use them all.`,
    );
  }
}

// The recipe would refuse it too; this says it with the flags the user typed.
function checkBatchSize(settings: RunSettings): void {
  const images = settings.limit ?? settings.data.trainImages;
  if (settings.batchSize > largestBatchSize(settings, images)) {
    const where = settings.limit == null ? ` in ${settings.data.source}` : ' (--limit)';
    throw new UserError(
      `--batch-size ${settings.batchSize} is more than the ${plural(images, 'training image')}${where}, and the ${settings.recipe} recipe drops an incomplete last batch, so no epoch would train; ` +
        `pass --batch-size ${images} or less.`,
    );
  }
}

/** A new run in `dir`: flags and the data they name. */
export async function planNewRun(options: TrainOptions, notify: Notify): Promise<RunPlan> {
  const loaded = await loadData({
    data: options.data,
    cacheDir: options.cacheDir,
    image: {
      imageSize: options.imageSize,
      resize: options.resize,
      valSplit: options.valSplit,
      strict: options.strict,
    },
    use: 'training',
    notify,
  });
  const data = runData(loaded);
  checkLimit(options.limit, data);
  const settings = settingsFromFlags(options, data, imageSettings(loaded, options));
  checkBatchSize(settings);
  return {
    settings,
    epochs: settings.epochs,
    data: loaded,
    start: initialTrainingState(),
  };
}

async function latestCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const checkpoints = runPaths(dir).checkpoints;
  // No latest.json: a run killed before its first checkpoint.
  try {
    await stat(join(checkpoints, LATEST_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return await loadCheckpoint(checkpoints);
  } catch (error) {
    throw new UserError(
      `cannot resume ${dir}: ${(error as Error).message.replace(/\.$/, '')}; start a new run with --out <new dir>.`,
    );
  }
}

// Runs from before run.json kept their settings only in checkpoints (`config`); their data
// has no fingerprint, so the one loaded now is recorded.
function settingsFromCheckpoint(config: { readonly [key: string]: JsonValue }): {
  settings: Omit<RunSettings, 'data'>;
  dataSource: string | undefined;
} {
  return {
    settings: tutorialRunSettings(config),
    dataSource: typeof config.data === 'string' ? config.data : undefined,
  };
}

function refuseConflicts(
  dir: string,
  conflicts: { flag: string; stored: string; given: string }[],
) {
  if (conflicts.length === 0) return;
  throw new UserError(
    `cannot resume ${dir} with ${conflicts.map((c) => c.given).join(', ')}: the run was started with ` +
      `${conflicts.map((c) => c.stored).join(', ')}, and a resumed run keeps its settings. ` +
      `Drop ${conflicts.length === 1 ? 'that flag' : 'those flags'}, or start a new run with --out <new dir>.`,
  );
}

/**
 * Resuming `dir`: its settings, checkpoint and data, with every flag checked against the run.
 * Flags that define the run must match it (or be left out); `--epochs` may change the total.
 */
export async function planResume(
  dir: string,
  options: TrainOptions,
  given: ReadonlySet<string>,
  notify: Notify,
): Promise<RunPlan> {
  const paths = runPaths(dir);
  let record: RunRecord | undefined;
  try {
    record = await readRunRecord(paths.settings);
  } catch (error) {
    throw new UserError(
      `cannot resume ${dir}: ${(error as Error).message}; start a new run with --out <new dir>.`,
    );
  }
  const checkpoint = await latestCheckpoint(dir);
  if (record === undefined && checkpoint === undefined) {
    throw new UserError(
      `${dir} holds no run to resume (no run.json or checkpoint); start one with \`${suggestedCommand('train', '--out', shellWord(dir))}\`.`,
    );
  }
  const legacy =
    record === undefined && checkpoint
      ? settingsFromCheckpoint(checkpoint.state.config)
      : undefined;
  const { data: _data, ...stored } = record?.settings ?? {
    ...(legacy?.settings as Omit<RunSettings, 'data'>),
    data: undefined,
  };
  refuseConflicts(dir, conflictingFlags(stored, options, given));

  // --epochs may change: more to train further, or fewer as long as they are not trained yet.
  const start: TrainingState = checkpoint?.state ?? initialTrainingState();
  const storedEpochs = stored.epochs;
  const epochs =
    given.has('epochs') && options.epochs !== undefined ? options.epochs : storedEpochs;
  if (epochs !== storedEpochs && !epochsCanChange(stored)) {
    throw new UserError(
      `cannot resume ${dir} with --epochs ${epochs}: its ${stored.recipe} recipe's learning-rate schedule and weight averaging span its ${plural(storedEpochs, 'epoch')}, so the total cannot change; drop --epochs, or start a new run with --out <new dir> --epochs ${epochs}.`,
    );
  }
  const minimum = start.batchInEpoch > 0 ? start.epoch + 1 : Math.max(1, start.epoch);
  if (epochs < minimum) {
    throw new UserError(
      `--epochs ${epochs} is fewer than ${dir} has trained already (${start.batchInEpoch > 0 ? `it is in epoch ${start.epoch + 1}` : plural(start.epoch, 'epoch')}); pass --epochs ${minimum} or more.`,
    );
  }

  // The data: the run's own unless --data is given, and then it must be the same data.
  const storedData = record?.settings.data;
  const source = given.has('data')
    ? options.data
    : (storedData?.source ?? legacy?.dataSource ?? undefined);
  let loaded: LoadedData;
  try {
    loaded = await loadData({
      data: source,
      cacheDir: options.cacheDir,
      // The image folder is decoded and split as when the run started.
      image: {
        imageSize: stored.imageSize ?? undefined,
        resize: stored.resize ?? undefined,
        valSplit: stored.valSplit ?? undefined,
        strict: options.strict,
      },
      use: 'training',
      notify,
    });
  } catch (error) {
    if (given.has('data') || storedData === undefined) throw error;
    throw new UserError(
      `${dir} trained on ${describeData(storedData)}, which cannot be read now (${(error as Error).message}); pass --data <dir|archive> with the same data.`,
    );
  }
  const data = runData(loaded);
  if (storedData !== undefined && data.sha256 !== storedData.sha256) {
    throw new UserError(
      given.has('data')
        ? `cannot resume ${dir} with --data ${options.data}: the run was started with --data ${describeData(storedData)}, and a resumed run keeps its data (${describeData(data)} is different). Drop --data, or start a new run with --out <new dir>.`
        : `cannot resume ${dir}: its data ${describeData(storedData)} has changed since the run started (it no longer matches run.json's sha256); restore that data, or start a new run with --out <new dir>.`,
    );
  }
  checkLimit(stored.limit, data);
  if (checkpoint === undefined) {
    notify(`${dir} has no checkpoint yet: training it from the start with its stored settings`);
  }
  return {
    settings: { ...stored, epochs, data },
    epochs,
    ...(record ? { record } : {}),
    data: loaded,
    ...(checkpoint ? { checkpoint } : {}),
    start,
  };
}
