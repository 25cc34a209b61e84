import { basename, dirname, join } from 'node:path';
import type { TrainableClassifier } from '@cnnkit/contracts';
import { CIFAR10_CLASS_NAMES } from '@cnnkit/datasets';
import { createModel, readWeightsInfo, type WeightsInfo } from '@cnnkit/models';
import { recipeModelOptions, recipeNormalize } from '@cnnkit/recipes';
import { decodeSafetensors } from '@cnnkit/safetensors';
import packageJson from '../package.json' with { type: 'json' };
import { readRegularFile } from './read-regular-file.js';
import { RUN_FILES, weightsFile } from './run-directory.js';
import { type RunSettings, readRunRecord } from './run-settings.js';
import { UserError } from './user-errors.js';

/**
 * The largest weights file read. SimpleCNN's is 248 KB; this leaves room for far larger models
 * while a wrong path (a disk image, /dev/zero) fails before it fills the memory.
 */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

/**
 * What a file without cnnkit's metadata is taken to be: the tutorial's SimpleCNN on CIFAR-10
 * (as PyTorch's tutorial writes it), resized for `predict` by squashing, as cnnkit always did.
 */
export const CIFAR10_WEIGHTS_INFO: WeightsInfo = {
  model: 'simple-cnn',
  modelOptions: { numClasses: 10, imageSize: 32 },
  classNames: CIFAR10_CLASS_NAMES,
  inputShape: [32, 32, 3],
  normalize: recipeNormalize('tutorial'),
  resize: 'squash',
};

/** The cnnkit version written into weights files. */
export const CNNKIT_VERSION = packageJson.version;

/** A model with the weights of a file, and what the file says about them. */
export interface LoadedWeights {
  readonly model: TrainableClassifier;
  readonly info: WeightsInfo;
  /** False when the file carries no class names (CIFAR-10's defaults are used). */
  readonly described: boolean;
}

/** The weights file's bytes (a regular file of at most {@link MAX_WEIGHTS_BYTES}). */
export function readWeightsFile(file: string): Promise<Uint8Array> {
  return readRegularFile(
    file,
    MAX_WEIGHTS_BYTES,
    (size) =>
      `${size.toLocaleString('en-US')} bytes, more than a weights file may be (at most ${MAX_WEIGHTS_BYTES.toLocaleString('en-US')} bytes; SimpleCNN's is 248 KB). Check the --weights path.`,
  );
}

/**
 * What a weights file's metadata says, completed with CIFAR-10's defaults for what it does
 * not say (files PyTorch wrote).
 */
export function weightsInfoOf(
  bytes: Uint8Array,
  file: string,
  fallback: Partial<WeightsInfo> = {},
): { info: WeightsInfo; described: boolean } {
  let said: Partial<WeightsInfo>;
  try {
    said = readWeightsInfo(decodeSafetensors(bytes, file).metadata, file);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  // A file that names no model takes the fallback's (its run's) as a whole, options included.
  const from = said.model === undefined ? { ...fallback, ...said } : said;
  const model = from.model ?? CIFAR10_WEIGHTS_INFO.model;
  const defaults = model === 'simple-cnn' ? CIFAR10_WEIGHTS_INFO.modelOptions : {};
  return {
    info: {
      ...CIFAR10_WEIGHTS_INFO,
      ...from,
      model,
      modelOptions: from.modelOptions ?? defaults,
    },
    described: said.classNames !== undefined,
  };
}

/**
 * A model built as a weights file's metadata says, with those weights (cnnkit's or PyTorch's).
 * `fallback` stands in for a file that names no model (its run's settings, say).
 */
export async function loadModelForWeights(
  file: string,
  fallback: Partial<WeightsInfo> = {},
): Promise<LoadedWeights> {
  const bytes = await readWeightsFile(file);
  const { info, described } = weightsInfoOf(bytes, file, fallback);
  let model: TrainableClassifier;
  try {
    model = createModel(info.model, { seed: 0, ...info.modelOptions });
  } catch (error) {
    throw new UserError(
      `${file}: cannot build the model its metadata describes (${(error as Error).message})`,
    );
  }
  try {
    model.loadWeights(bytes);
    if (model.numClasses !== info.classNames.length) {
      throw new Error(
        `its metadata names ${info.classNames.length} classes but the model has ${model.numClasses} outputs`,
      );
    }
  } catch (error) {
    model.dispose();
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  return { model, info, described };
}

/** The run a weights file is the final weights of: its run.json, and the settings there. */
export interface RunOfWeights {
  readonly runRecord: string;
  readonly settings: RunSettings;
}

/**
 * The run whose final weights `file` is (`<model>.safetensors` beside its run.json), or
 * undefined for a file copied out of its run or written by PyTorch. Evaluation takes the
 * run's test-time augmentation from it, which weights metadata does not carry.
 */
export async function runOfWeights(file: string): Promise<RunOfWeights | undefined> {
  const runRecord = join(dirname(file), RUN_FILES.settings);
  const record = await readRunRecord(runRecord).catch(() => undefined);
  if (record === undefined || basename(file) !== weightsFile(record.settings.model)) {
    return undefined;
  }
  return { runRecord, settings: record.settings };
}

/**
 * What a run's settings say of its weights, for files without cnnkit's metadata (written
 * before weights carried it): the model, its options and the normalisation.
 */
export function runWeightsFallback(settings: RunSettings): Partial<WeightsInfo> {
  return {
    model: settings.model,
    modelOptions: recipeModelOptions(settings, { numClasses: 10, imageSize: 32 }),
    normalize: recipeNormalize(settings.normalization),
  };
}
