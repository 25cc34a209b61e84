import { readFile } from 'node:fs/promises';
import type { ResizePolicy } from '@cnnkit/contracts';
import { RECIPES, type RecipeName, type RecipeSettings, recipeSettings } from '@cnnkit/recipes';
import { writeFileAtomically } from './atomic-file.js';
import type { TrainOptions } from './cli-program.js';
import type { DataFingerprint } from './data-fingerprint.js';
import { plural } from './plural.js';
import { flagText, RECIPE_FLAGS, recipeOverrides } from './recipe-flags.js';
import { UserError } from './user-errors.js';

/** The data a run trains on: where it was found and what it is. */
export interface RunData extends DataFingerprint {
  /** `sample`, or the absolute path of the directory or archive. */
  readonly source: string;
}

/**
 * What defines a run: every hyper-parameter of its recipe (`RecipeSettings`, `epochs` the
 * run's total) and how the CLI runs it. A resumed run uses exactly these.
 */
export interface RunSettings extends RecipeSettings {
  readonly data: RunData;
  readonly seed: number;
  /** Training images used, or null for all of them. */
  readonly limit: number | null;
  /** Test images evaluated, or null for all of them. */
  readonly testLimit: number | null;
  readonly reportEvery: number;
  readonly checkpointEvery: number;
  /** Image folders: decoded size, resize policy and held-out fraction (null: CIFAR-10). */
  readonly imageSize: number | null;
  readonly resize: ResizePolicy | null;
  readonly valSplit: number | null;
  /** The weights the run started from (fine-tuning), as given; null: a fresh start. */
  readonly initWeights: string | null;
  /** Only the classifier head is trained. */
  readonly freeze: boolean;
}

/** Settings that runs from before image folders and fine-tuning did not record. */
const LATER_SETTINGS = {
  imageSize: null,
  resize: null,
  valSplit: null,
  initWeights: null,
  freeze: false,
} as const satisfies Partial<RunSettings>;

/** One `cnnkit train` invocation on the run: a start or a resume. */
export interface RunSession {
  readonly startedAt: string;
  /** The step it started from (0 for the first). */
  readonly fromStep: number;
  /** The total number of epochs it was asked for. */
  readonly epochs: number;
  readonly backend: string;
}

/** `run.json`'s format; /1 (the tutorial's settings only) is still read. */
export const RUN_FORMAT = 'cnnkit-run/2';

/** `run.json`: the settings (`epochs` may be raised by a resume) and history. */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly settings: RunSettings;
  readonly sessions: readonly RunSession[];
}

/** Running-loss reports per batch when not given: the tutorial's 2000; ~3 per fast epoch. */
const REPORT_EVERY: { readonly [name in RecipeName]: number } = { tutorial: 2000, fast: 16 };
const CHECKPOINT_EVERY = 1000;

/**
 * The settings of a new run from its flags and data; `image` is how an image folder was
 * decoded (undefined for CIFAR-10), `valSplit` the fraction its seeded split held out.
 * Throws a UserError for bad settings.
 */
export function settingsFromFlags(
  options: TrainOptions,
  data: RunData,
  image?: {
    readonly size: number;
    readonly resize: ResizePolicy;
    readonly valSplit: number | null;
  },
): RunSettings {
  let recipe: RecipeSettings;
  try {
    recipe = recipeSettings(options.recipe, recipeOverrides(options));
  } catch (error) {
    throw new UserError(`--recipe ${options.recipe}: ${(error as Error).message}`);
  }
  return {
    ...recipe,
    data,
    seed: options.seed,
    limit: options.limit ?? null,
    testLimit: options.testLimit ?? null,
    reportEvery: options.reportEvery ?? REPORT_EVERY[options.recipe],
    checkpointEvery: options.checkpointEvery ?? CHECKPOINT_EVERY,
    imageSize: image?.size ?? null,
    resize: image?.resize ?? null,
    valSplit: image?.valSplit ?? null,
    initWeights: options.initWeights ?? null,
    freeze: options.freeze,
  };
}

/**
 * The settings of a run recorded before recipes (run.json /1, or a checkpoint's config):
 * the tutorial's with the few flags it had.
 */
export function tutorialRunSettings(old: {
  readonly [key: string]: unknown;
}): Omit<RunSettings, 'data'> {
  const number = (key: string, fallback: number) =>
    typeof old[key] === 'number' ? (old[key] as number) : fallback;
  const tutorial = RECIPES.tutorial;
  return {
    ...tutorial,
    epochs: number('epochs', tutorial.epochs),
    batchSize: number('batchSize', tutorial.batchSize),
    lr: number('lr', tutorial.lr),
    momentum: number('momentum', tutorial.momentum),
    augment: old.augment === true,
    seed: number('seed', 0),
    limit: typeof old.limit === 'number' ? old.limit : null,
    testLimit: null,
    reportEvery: number('reportEvery', REPORT_EVERY.tutorial),
    checkpointEvery: number('checkpointEvery', CHECKPOINT_EVERY),
    // Image-folder and fine-tuning runs of cnnkit-run/1 recorded these; older ones did not.
    imageSize: typeof old.imageSize === 'number' ? old.imageSize : LATER_SETTINGS.imageSize,
    resize:
      old.resize === 'shorter-side' || old.resize === 'squash' ? old.resize : LATER_SETTINGS.resize,
    valSplit: typeof old.valSplit === 'number' ? old.valSplit : LATER_SETTINGS.valSplit,
    initWeights: typeof old.initWeights === 'string' ? old.initWeights : LATER_SETTINGS.initWeights,
    freeze: old.freeze === true,
  };
}

/**
 * Whether a run's total number of epochs may change on resume: not when the learning-rate
 * schedule or the lookahead decay are fractions of the run's steps.
 */
export function epochsCanChange(settings: RecipeSettings): boolean {
  return settings.lrSchedule.type === 'constant' && settings.lookahead === null;
}

/** A flag given on `--resume` whose value differs from the run's. */
export interface Conflict {
  readonly flag: string;
  readonly stored: string;
  readonly given: string;
}

const RUN_FLAGS = [
  ['seed', '--seed'],
  ['limit', '--limit'],
  ['testLimit', '--test-limit'],
  ['reportEvery', '--report-every'],
  ['checkpointEvery', '--checkpoint-every'],
  ['imageSize', '--image-size'],
  ['resize', '--resize'],
  ['valSplit', '--val-split'],
  ['initWeights', '--init-weights'],
  ['freeze', '--freeze'],
] as const;

/**
 * The flags given on the command line (`given`) that differ from the run's settings.
 * `--epochs` is left to the caller (a resume may change it).
 */
export function conflictingFlags(
  stored: Omit<RunSettings, 'data'>,
  options: TrainOptions,
  given: ReadonlySet<string>,
): Conflict[] {
  const conflicts: Conflict[] = [];
  const check = (key: string, flag: string, storedValue: unknown, value: unknown) => {
    if (!given.has(key)) return;
    if (JSON.stringify(value ?? null) !== JSON.stringify(storedValue ?? null)) {
      // --limit's null is every image.
      const text = (v: unknown) =>
        (key === 'limit' || key === 'testLimit') && v == null
          ? `${flag} (all)`
          : flagText(flag, v ?? null);
      conflicts.push({ flag, stored: text(storedValue), given: text(value) });
    }
  };
  check('recipe', '--recipe', stored.recipe, options.recipe);
  for (const { key, flag } of RECIPE_FLAGS) {
    if (key !== 'epochs') check(key, flag, stored[key], options[key]);
  }
  for (const [key, flag] of RUN_FLAGS) check(key, flag, stored[key], options[key]);
  return conflicts;
}

/** `sample (2,000 training images)` or `/data/cifar-10-batches-bin (50,000 training images)`. */
export function describeData(data: RunData): string {
  return `${data.source} (${plural(data.trainImages, 'training image')})`;
}

/** `run.json`, or undefined when there is none; throws when it cannot be used. */
export async function readRunRecord(file: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let record: RunRecord;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const format = (record as { format?: unknown } | null)?.format;
  if (
    (format !== RUN_FORMAT && format !== 'cnnkit-run/1') ||
    typeof record.settings?.data?.sha256 !== 'string'
  ) {
    throw new Error(`${file} is not a cnnkit run record (format "${RUN_FORMAT}")`);
  }
  if (format === RUN_FORMAT) {
    return { ...record, settings: { ...LATER_SETTINGS, ...record.settings } };
  }
  // Before recipes: the tutorial's settings, the run's epochs beside them.
  const old = record as unknown as {
    settings: { readonly [key: string]: unknown; data: RunData };
    epochs: number;
    sessions: readonly RunSession[];
  };
  return {
    format: RUN_FORMAT,
    settings: {
      ...tutorialRunSettings({ ...old.settings, epochs: old.epochs }),
      data: old.settings.data,
    },
    sessions: old.sessions ?? [],
  };
}

export async function writeRunRecord(file: string, record: RunRecord): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`);
}
