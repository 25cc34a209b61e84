import type { TrainableClassifier } from '@cnnkit/contracts';
import {
  createModel,
  MODEL_NAMES,
  type ModelName,
  readWeightsInfo,
  type WeightsInfo,
  WeightsMismatchError,
} from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { readWeightsFile } from './model-weights.js';
import { UserError } from './user-errors.js';

/** A model rebuilt from a weights file, and what the file says about its inputs and classes. */
export interface WeightsFileModel {
  readonly model: TrainableClassifier;
  readonly modelName: ModelName;
  /** Where the model's name came from, for the user. */
  readonly modelSource: '--model' | 'metadata' | 'default';
  readonly bytes: Uint8Array;
  /** What the file's `cnnkit.*` metadata says (nothing for files PyTorch wrote). */
  readonly info: Partial<WeightsInfo>;
}

type Shapes = ReadonlyMap<string, readonly number[]>;

/**
 * The `createModel` options that tensor shapes decide (widths, classes, input channels), for
 * files that do not list their options (PyTorch's, cnnkit's from before weights metadata).
 */
function optionsFromShapes(name: ModelName, shapes: Shapes): Record<string, unknown> {
  const dim = (key: string, axis: number) => shapes.get(key)?.[axis];
  if (name === 'airbench') {
    const widths: number[] = [];
    for (let i = 0; shapes.has(`layers.${i}.conv1.weight`); i++) {
      widths.push(dim(`layers.${i}.conv1.weight`, 0) as number);
    }
    return {
      ...(widths.length > 0 ? { widths } : {}),
      ...(shapes.has('head.weight') ? { numClasses: dim('head.weight', 0) } : {}),
      ...(shapes.has('whiten.weight')
        ? { inputChannels: dim('whiten.weight', 1), whiteningKernelSize: dim('whiten.weight', 2) }
        : {}),
    };
  }
  if (name === 'resnet9') {
    const widths = Object.fromEntries(
      ['prep', 'layer1', 'layer2', 'layer3']
        .filter((stage) => shapes.has(`${stage}.conv.weight`))
        .map((stage) => [stage, dim(`${stage}.conv.weight`, 0)]),
    );
    return {
      widths,
      ...(shapes.has('linear.weight') ? { numClasses: dim('linear.weight', 0) } : {}),
      ...(shapes.has('prep.conv.weight') ? { inputChannels: dim('prep.conv.weight', 1) } : {}),
    };
  }
  return shapes.has('fc3.weight') ? { numClasses: dim('fc3.weight', 0) } : {};
}

/**
 * Reads a `.safetensors` file and rebuilds the model it holds: the one `--model` names, else
 * the one its metadata names (`readWeightsInfo`), else SimpleCNN (PyTorch's tutorial files).
 * Options the metadata does not list come from the tensors' shapes.
 */
export async function loadWeightsFileModel(
  file: string,
  requested?: ModelName,
): Promise<WeightsFileModel> {
  const bytes = await readWeightsFile(file);
  let info: Partial<WeightsInfo>;
  let shapes: Shapes;
  try {
    const { metadata, tensors } = decodeSafetensors(bytes, file);
    info = readWeightsInfo(metadata, file);
    shapes = new Map([...tensors].map(([name, tensor]) => [name, tensor.shape]));
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const named = (MODEL_NAMES as readonly string[]).includes(info.model ?? '')
    ? (info.model as ModelName)
    : undefined;
  const modelName = requested ?? named ?? 'simple-cnn';
  const modelSource = requested ? '--model' : named ? 'metadata' : 'default';
  const options =
    modelName === named && info.modelOptions
      ? info.modelOptions
      : optionsFromShapes(modelName, shapes);
  let model: TrainableClassifier;
  try {
    model = createModel(modelName, { ...options, seed: 0 });
  } catch (error) {
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  try {
    model.loadWeights(bytes);
  } catch (error) {
    model.dispose();
    // Weights of another model miss every tensor: one line instead of the full list.
    if (error instanceof WeightsMismatchError && error.problems.length > 3) {
      throw new UserError(
        `${file}: these weights do not fit ${modelName} (${error.problems.length} problems, the first: ${error.problems[0]}); name the model they are for with --model (${MODEL_NAMES.join(', ')}).`,
      );
    }
    const hint =
      modelSource === 'default' ? ' If it holds another model, name it with --model.' : '';
    throw new UserError(`${file}: ${(error as Error).message}${hint}`);
  }
  return { model, modelName, modelSource, bytes, info };
}
