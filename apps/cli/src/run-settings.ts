import { readFile } from 'node:fs/promises';
import type { ResizePolicy } from '@cnnkit/contracts';
import { writeFileAtomically } from './atomic-file.js';
import type { TrainOptions } from './cli-program.js';
import type { DataFingerprint } from './data-fingerprint.js';
import { plural } from './plural.js';

/** The data a run trains on: where it was found and what it is. */
export interface RunData extends DataFingerprint {
  /** `sample`, or the absolute path of the directory or archive. */
  readonly source: string;
}

/** What defines a run: a resumed run must use exactly these. */
export interface RunSettings {
  readonly model: 'simple-cnn';
  readonly data: RunData;
  readonly batchSize: number;
  readonly lr: number;
  readonly momentum: number;
  readonly seed: number;
  /** Training images used, or null for all of them. */
  readonly limit: number | null;
  readonly augment: boolean;
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

/** `run.json`: the settings, the number of epochs (which a resume may raise) and history. */
export interface RunRecord {
  readonly format: 'cnnkit-run/1';
  readonly settings: RunSettings;
  readonly epochs: number;
  readonly sessions: readonly RunSession[];
}

/** The flags that define a run, with the setting each one sets. */
const definingFlags = [
  ['batchSize', '--batch-size'],
  ['lr', '--lr'],
  ['momentum', '--momentum'],
  ['seed', '--seed'],
  ['limit', '--limit'],
  ['augment', '--augment'],
  ['reportEvery', '--report-every'],
  ['checkpointEvery', '--checkpoint-every'],
  ['imageSize', '--image-size'],
  ['resize', '--resize'],
  ['valSplit', '--val-split'],
  ['initWeights', '--init-weights'],
  ['freeze', '--freeze'],
] as const satisfies readonly (readonly [keyof RunSettings & keyof TrainOptions, string])[];

/**
 * The settings of a new run from its flags and data; `image` is how an image folder was
 * decoded (undefined for CIFAR-10), `valSplit` the fraction its seeded split held out.
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
  return {
    model: 'simple-cnn',
    data,
    batchSize: options.batchSize,
    lr: options.lr,
    momentum: options.momentum,
    seed: options.seed,
    limit: options.limit ?? null,
    augment: options.augment,
    reportEvery: options.reportEvery,
    checkpointEvery: options.checkpointEvery,
    imageSize: image?.size ?? null,
    resize: image?.resize ?? null,
    valSplit: image?.valSplit ?? null,
    initWeights: options.initWeights ?? null,
    freeze: options.freeze,
  };
}

function flagText(flag: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? flag : `no ${flag}`;
  return `${flag} ${value === null ? '(all)' : String(value)}`;
}

/** A flag given on `--resume` whose value differs from the run's. */
export interface Conflict {
  readonly flag: string;
  readonly stored: string;
  readonly given: string;
}

/** The flags given on the command line (`given`) that differ from the run's settings. */
export function conflictingFlags(
  stored: Omit<RunSettings, 'data'>,
  options: TrainOptions,
  given: ReadonlySet<string>,
): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [key, flag] of definingFlags) {
    if (!given.has(key)) continue;
    const value = options[key] ?? null;
    if (value !== stored[key]) {
      conflicts.push({ flag, stored: flagText(flag, stored[key]), given: flagText(flag, value) });
    }
  }
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
  if (record?.format !== 'cnnkit-run/1' || typeof record.settings?.data?.sha256 !== 'string') {
    throw new Error(`${file} is not a cnnkit run record (format "cnnkit-run/1")`);
  }
  return { ...record, settings: { ...LATER_SETTINGS, ...record.settings } };
}

export async function writeRunRecord(file: string, record: RunRecord): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`);
}
