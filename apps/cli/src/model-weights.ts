import { basename, dirname, join } from 'node:path';
import type { TrainableClassifier } from '@cnnkit/contracts';
import { SimpleCNN } from '@cnnkit/models';
import { createRecipeModel, RECIPES, type RecipeSettings } from '@cnnkit/recipes';
import { readRegularFile } from './read-regular-file.js';
import { RUN_FILES, weightsFile } from './run-directory.js';
import { readRunRecord } from './run-settings.js';
import { UserError } from './user-errors.js';

/**
 * The largest weights file read. SimpleCNN's is 248 KB; this leaves room for far larger models
 * while a wrong path (a disk image, /dev/zero) fails before it fills the memory.
 */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

async function readWeights(file: string): Promise<Uint8Array> {
  return readRegularFile(
    file,
    MAX_WEIGHTS_BYTES,
    (size) =>
      `${size.toLocaleString('en-US')} bytes, more than a weights file may be (at most ${MAX_WEIGHTS_BYTES.toLocaleString('en-US')} bytes; SimpleCNN's is 248 KB). Check the --weights path.`,
  );
}

function loadInto<T extends TrainableClassifier>(model: T, file: string, bytes: Uint8Array): T {
  try {
    model.loadWeights(bytes);
  } catch (error) {
    model.dispose();
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  return model;
}

/** A SimpleCNN with the weights of a `.safetensors` file (cnnkit's or PyTorch's). */
export async function loadSimpleCnn(file: string): Promise<SimpleCNN> {
  return loadInto(SimpleCNN.create({ seed: 0 }), file, await readWeights(file));
}

/** A model with its weights and the recipe settings it was trained with. */
export interface TrainedModel {
  readonly model: TrainableClassifier;
  /** The run's settings (model, widths, normalisation, test-time augmentation). */
  readonly settings: RecipeSettings;
  /** The run.json the settings come from; undefined: the tutorial's (SimpleCNN). */
  readonly runRecord?: string;
}

/**
 * The model of a weights file: the one its run directory's run.json names when the file is
 * that run's final weights (`<model>.safetensors` beside it), else SimpleCNN as the tutorial
 * trains it (a PyTorch file, or one copied out of its run).
 */
export async function loadTrainedModel(file: string): Promise<TrainedModel> {
  const bytes = await readWeights(file);
  const runRecord = join(dirname(file), RUN_FILES.settings);
  const record = await readRunRecord(runRecord).catch(() => undefined);
  const fromRun = record !== undefined && basename(file) === weightsFile(record.settings.model);
  const settings = fromRun ? record.settings : RECIPES.tutorial;
  const model = loadInto(createRecipeModel(settings, { seed: 0 }), file, bytes);
  return { model, settings, ...(fromRun ? { runRecord } : {}) };
}
