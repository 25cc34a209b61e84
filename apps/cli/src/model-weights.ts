import type { TrainableClassifier } from '@cnnkit/contracts';
import { CIFAR10_CLASS_NAMES } from '@cnnkit/datasets';
import { createModel, readWeightsInfo, type WeightsInfo } from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import packageJson from '../package.json' with { type: 'json' };
import { readRegularFile } from './read-regular-file.js';
import { UserError } from './user-errors.js';

/**
 * The largest weights file read. SimpleCNN's is 248 KB; this leaves room for far larger models
 * while a wrong path (a disk image, /dev/zero) fails before it fills the memory.
 */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

/** The tutorial's `Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))`, which cnnkit trains with. */
export const TUTORIAL_NORMALIZE = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;

/**
 * What a file without cnnkit's metadata is taken to be: the tutorial's SimpleCNN on CIFAR-10
 * (as PyTorch's tutorial writes it), resized for `predict` by squashing, as cnnkit always did.
 */
export const CIFAR10_WEIGHTS_INFO: WeightsInfo = {
  model: 'simple-cnn',
  modelOptions: { numClasses: 10, imageSize: 32 },
  classNames: CIFAR10_CLASS_NAMES,
  inputShape: [32, 32, 3],
  normalize: TUTORIAL_NORMALIZE,
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
): { info: WeightsInfo; described: boolean } {
  let said: Partial<WeightsInfo>;
  try {
    said = readWeightsInfo(decodeSafetensors(bytes, file).metadata, file);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const model = said.model ?? CIFAR10_WEIGHTS_INFO.model;
  const defaults = model === 'simple-cnn' ? CIFAR10_WEIGHTS_INFO.modelOptions : {};
  return {
    info: {
      ...CIFAR10_WEIGHTS_INFO,
      ...said,
      model,
      modelOptions: said.modelOptions ?? defaults,
    },
    described: said.classNames !== undefined,
  };
}

/** A model built as a weights file's metadata says, with those weights (cnnkit's or PyTorch's). */
export async function loadModelForWeights(file: string): Promise<LoadedWeights> {
  const bytes = await readWeightsFile(file);
  const { info, described } = weightsInfoOf(bytes, file);
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
