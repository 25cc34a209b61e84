import type { TrainableClassifier } from '@cnnkit/contracts';
import {
  createModel,
  describeModel,
  MODEL_NAMES,
  type ModelName,
  WeightsMismatchError,
} from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { MAX_WEIGHTS_BYTES } from './model-weights.js';
import { readRegularFile } from './read-regular-file.js';
import { UserError } from './user-errors.js';

/** A model rebuilt from a weights file, and what the file says about its inputs and classes. */
export interface WeightsFileModel {
  readonly model: TrainableClassifier;
  readonly modelName: ModelName;
  /** Where the model's name came from, for the user. */
  readonly modelSource: '--model' | 'metadata' | 'default';
  readonly bytes: Uint8Array;
  readonly classNames?: readonly string[];
  readonly normalization?: { readonly mean: number[]; readonly std: number[] };
  readonly inputSize?: { readonly height: number; readonly width: number };
}

type Shapes = ReadonlyMap<string, readonly number[]>;

/**
 * The `createModel` options that tensor shapes decide (widths, classes, input channels), for
 * files that do not list their options (cnnkit's before weights metadata, PyTorch's).
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
    const stages = { prep: 'prep', layer1: 'layer1', layer2: 'layer2', layer3: 'layer3' };
    const widths = Object.fromEntries(
      Object.entries(stages)
        .filter(([, prefix]) => shapes.has(`${prefix}.conv.weight`))
        .map(([key, prefix]) => [key, dim(`${prefix}.conv.weight`, 0)]),
    );
    return {
      widths,
      ...(shapes.has('linear.weight') ? { numClasses: dim('linear.weight', 0) } : {}),
      ...(shapes.has('prep.conv.weight') ? { inputChannels: dim('prep.conv.weight', 1) } : {}),
    };
  }
  return {};
}

/** The registry name a file's `cnnkit.model_name` (or older `cnnkit.model`, a class) gives. */
function modelNameFromMetadata(metadata: Readonly<Record<string, string>>): ModelName | undefined {
  const named = metadata['cnnkit.model_name'];
  if (named && (MODEL_NAMES as readonly string[]).includes(named)) return named as ModelName;
  const className = metadata['cnnkit.model'];
  return MODEL_NAMES.find((name) => describeModel(name).className === className);
}

function parseJson(file: string, key: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(
      `${file}: __metadata__ "${key}" is not JSON (${JSON.stringify(text.slice(0, 60))}); remove the key or save the weights again with cnnkit.`,
    );
  }
}

/**
 * Reads a `.safetensors` file and rebuilds the model it holds: the one `--model` names, else
 * the one its metadata names (`cnnkit.model_name` with `cnnkit.model_options`, or the older
 * `cnnkit.model`), else SimpleCNN (PyTorch's tutorial files). Options the file does not list
 * come from its tensors' shapes. Class names (`cnnkit.classes`), normalisation
 * (`cnnkit.normalize`) and input size (`cnnkit.input_shape`) are returned when the file has them.
 */
export async function loadWeightsFileModel(
  file: string,
  requested?: ModelName,
): Promise<WeightsFileModel> {
  const bytes = await readRegularFile(
    file,
    MAX_WEIGHTS_BYTES,
    (size) =>
      `${size.toLocaleString('en-US')} bytes, more than a weights file may be (at most ${MAX_WEIGHTS_BYTES.toLocaleString('en-US')} bytes). Check the --weights path.`,
  );
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes, file);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const { metadata, tensors } = decoded;
  const fromMetadata = modelNameFromMetadata(metadata);
  const modelName = requested ?? fromMetadata ?? 'simple-cnn';
  const modelSource = requested ? '--model' : fromMetadata ? 'metadata' : 'default';
  const listed =
    modelName === fromMetadata
      ? (parseJson(file, 'cnnkit.model_options', metadata['cnnkit.model_options']) as
          | Record<string, unknown>
          | undefined)
      : undefined;
  const shapes = new Map([...tensors].map(([name, t]) => [name, t.shape]));
  const options = listed ?? optionsFromShapes(modelName, shapes);
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
  const classNames = parseJson(file, 'cnnkit.classes', metadata['cnnkit.classes']) as
    | string[]
    | undefined;
  const normalization = parseJson(file, 'cnnkit.normalize', metadata['cnnkit.normalize']) as
    | { mean: number[]; std: number[] }
    | undefined;
  const shape = parseJson(file, 'cnnkit.input_shape', metadata['cnnkit.input_shape']) as
    | number[]
    | undefined;
  return {
    model,
    modelName,
    modelSource,
    bytes,
    ...(classNames ? { classNames } : {}),
    ...(normalization ? { normalization } : {}),
    ...(shape ? { inputSize: { height: shape[0] as number, width: shape[1] as number } } : {}),
  };
}
