import type { TrainableClassifier } from '@cnnkit/contracts';
import {
  type DecodedTensor,
  decodeSafetensors,
  encodeSafetensors,
  type TensorToEncode,
  tensorToBigInt64,
  tensorToFloat32,
} from '@cnnkit/safetensors';
import { WeightsMismatchError } from './torch-weights.js';

/** Options of {@link loadPretrainedWeights}. */
export interface LoadPretrainedOptions {
  /**
   * The classifier layer's tensor names (`describeModel(name).head`): they keep the model's
   * own fresh initialisation when their shape differs from the file's (another class count),
   * or always with `reinitialiseHead`.
   */
  readonly head: readonly string[];
  /** Keep the fresh head even when the shapes match: the classes are other classes. */
  readonly reinitialiseHead?: boolean;
  /** Quoted in errors (the model's class name). */
  readonly modelName?: string;
  /** Quoted in errors about the file (its name). */
  readonly source?: string;
}

/** A tensor the model kept from its own initialisation instead of the file (in `head` order). */
export interface ReinitialisedTensor {
  readonly name: string;
  /** Its shape in the file (PyTorch's layout). */
  readonly fileShape: readonly number[];
  /** Its shape in the model (PyTorch's layout). */
  readonly modelShape: readonly number[];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function toEncode(tensor: DecodedTensor, like: DecodedTensor): TensorToEncode {
  return like.dtype === 'I64'
    ? { dtype: 'I64', shape: like.shape, data: tensorToBigInt64(tensor) }
    : { dtype: 'F32', shape: like.shape, data: tensorToFloat32(tensor) };
}

/**
 * Starts `model` from trained weights for fine-tuning: every tensor comes from `bytes`
 * (a `.safetensors` state_dict, cnnkit's or PyTorch's), except the classifier head when its
 * shape differs — trained for another number of classes — or `reinitialiseHead` is set: the
 * head then keeps the model's fresh initialisation, and is listed in the result. Any other
 * difference (a missing, extra or differently shaped feature tensor: another architecture or
 * input size) is one {@link WeightsMismatchError} listing every problem, and nothing changes.
 *
 * @example
 * ```ts
 * const cifar = SimpleCNN.create({ seed: 1 }); // 10 classes, trained elsewhere
 * const pets = SimpleCNN.create({ seed: 0, numClasses: 3 });
 * const reinitialised = loadPretrainedWeights(pets, cifar.saveWeights(), { head: ['fc3.weight', 'fc3.bias'] });
 * reinitialised.map((t) => t.name).join(' '); // 'fc3.weight fc3.bias'
 * reinitialised[0]?.fileShape; // [10, 84]
 * cifar.dispose();
 * pets.dispose();
 * ```
 */
export function loadPretrainedWeights(
  model: TrainableClassifier,
  bytes: Uint8Array,
  options: LoadPretrainedOptions,
): ReinitialisedTensor[] {
  const { head, reinitialiseHead = false, modelName = 'the model', source = 'weights' } = options;
  const own = decodeSafetensors(model.saveWeights(), modelName).tensors;
  const given = decodeSafetensors(bytes, source).tensors;
  const unknownHead = head.filter((name) => !own.has(name));
  if (unknownHead.length > 0) {
    throw new Error(
      `loadPretrainedWeights: ${modelName} has no tensor ${unknownHead.join(', ')}; head must name the classifier's tensors (describeModel(name).head).`,
    );
  }
  const problems: string[] = [];
  const reinitialised: ReinitialisedTensor[] = [];
  const merged: Record<string, TensorToEncode> = {};
  for (const [name, mine] of own) {
    const theirs = given.get(name);
    if (theirs === undefined) {
      problems.push(`${name}: missing (expected shape ${shapeText(mine.shape)})`);
      continue;
    }
    const isHead = head.includes(name);
    if (isHead && (reinitialiseHead || !sameShape(theirs.shape, mine.shape))) {
      reinitialised.push({ name, fileShape: theirs.shape, modelShape: mine.shape });
      merged[name] = toEncode(mine, mine);
    } else if (!sameShape(theirs.shape, mine.shape)) {
      problems.push(
        `${name}: expected shape ${shapeText(mine.shape)}, found ${shapeText(theirs.shape)}`,
      );
    } else {
      merged[name] = toEncode(theirs, mine);
    }
  }
  for (const [name, tensor] of given) {
    if (!own.has(name)) {
      problems.push(
        `${name}: unexpected tensor (${tensor.dtype} ${shapeText(tensor.shape)}); ${modelName} has no such tensor`,
      );
    }
  }
  if (problems.length > 0) throw new WeightsMismatchError(modelName, problems);
  model.loadWeights(encodeSafetensors(merged));
  return reinitialised.sort((a, b) => head.indexOf(a.name) - head.indexOf(b.name));
}
