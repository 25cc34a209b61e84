import type { DecodedTensor, SafetensorsDtype, TensorToEncode } from '@cnnkit/safetensors';
import {
  decodeSafetensors,
  encodeSafetensors,
  tensorToBigInt64,
  tensorToFloat32,
} from '@cnnkit/safetensors';
import type { ParameterLayout } from './types.js';

/** Float dtypes a PyTorch checkpoint may reasonably hold; all are read as float32. */
const READABLE_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F64', 'F16', 'BF16'];
/** Integer dtypes accepted for I64 buffers (a counter saved as int32 by another tool still fits). */
const READABLE_INTEGER_DTYPES: readonly SafetensorsDtype[] = ['I64', 'I32'];

function readableDtypes(layout: ParameterLayout): readonly SafetensorsDtype[] {
  return layout.torchDtype === 'I64' ? READABLE_INTEGER_DTYPES : READABLE_DTYPES;
}

/** An integer tensor's values as float32 (exact up to 2^24, far beyond any batch count). */
function integersToFloat32(tensor: DecodedTensor): Float32Array {
  if (tensor.dtype === 'I64') return Float32Array.from(tensorToBigInt64(tensor), Number);
  return tensorToFloat32(tensor);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Thrown when weights do not fit a model; `problems` holds one line per mismatch so that a
 * user sees everything wrong with a file at once.
 *
 * @example
 * ```ts
 * const model = SimpleCNN.create({ seed: 0 });
 * // A file with one tensor that SimpleCNN does not have, and none of the ten it needs:
 * const bytes = encodeTorchWeights([biasLayout('fc.bias', { size: 2, fanIn: 4 })], [new Float32Array(2)]);
 * try {
 *   model.loadWeights(bytes);
 * } catch (error) {
 *   if (!(error instanceof WeightsMismatchError)) throw error;
 *   error.problems.length; // 11
 *   console.log(error.message); // These weights do not fit SimpleCNN (11 problems): …
 * }
 * model.dispose();
 * ```
 */
export class WeightsMismatchError extends Error {
  readonly problems: readonly string[];

  constructor(modelName: string, problems: readonly string[]) {
    super(
      `These weights do not fit ${modelName} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nLoad a safetensors file saved from ${modelName} (cnnkit's saveWeights, or the PyTorch model's state_dict).`,
    );
    this.name = 'WeightsMismatchError';
    this.problems = problems;
  }
}

/**
 * Writes parameters (given in tfjs layout) as a PyTorch-style safetensors file: PyTorch
 * names, shapes and element order, in the layouts' order; F32, or I64 for layouts whose
 * `torchDtype` says so (BatchNorm's `num_batches_tracked`).
 *
 * @example
 * ```ts
 * const layout = biasLayout('fc.bias', { size: 2, fanIn: 4 });
 * const bytes = encodeTorchWeights([layout], [new Float32Array([0.5, -0.5])], { format: 'pt' });
 * ```
 */
export function encodeTorchWeights(
  layouts: readonly ParameterLayout[],
  tfjsValues: readonly Float32Array[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const tensors: Record<string, TensorToEncode> = {};
  layouts.forEach((layout, i) => {
    const values = tfjsValues[i];
    if (!values) throw new Error(`encodeTorchWeights: no values given for ${layout.name}.`);
    const torchValues = layout.toTorch(values);
    tensors[layout.name] =
      layout.torchDtype === 'I64'
        ? {
            dtype: 'I64',
            shape: layout.torchShape,
            data: BigInt64Array.from(torchValues, (v) => BigInt(Math.round(v))),
          }
        : { dtype: 'F32', shape: layout.torchShape, data: torchValues };
  });
  return encodeSafetensors(tensors, metadata);
}

/**
 * Reads a PyTorch-style safetensors file into tfjs-layout values, one per layout. Checks every
 * name, shape and dtype first and throws one {@link WeightsMismatchError} listing all problems.
 * Float tensors may be F32, F64, F16 or BF16; I64 layouts take I64 or I32 (values as float32).
 *
 * @example
 * ```ts
 * const [bias] = decodeTorchWeights(bytes, [biasLayout('fc.bias', { size: 2, fanIn: 4 })], 'MyNet');
 * ```
 */
export function decodeTorchWeights(
  bytes: Uint8Array,
  layouts: readonly ParameterLayout[],
  modelName: string,
): Float32Array[] {
  const { tensors } = decodeSafetensors(bytes, `${modelName} weights`);
  const problems: string[] = [];
  const expectedNames = new Set(layouts.map((l) => l.name));
  for (const layout of layouts) {
    const tensor = tensors.get(layout.name);
    if (!tensor) {
      problems.push(`${layout.name}: missing (expected shape ${shapeText(layout.torchShape)})`);
      continue;
    }
    if (!sameShape(tensor.shape, layout.torchShape)) {
      problems.push(
        `${layout.name}: expected shape ${shapeText(layout.torchShape)}, found ${shapeText(tensor.shape)}`,
      );
    }
    const readable = readableDtypes(layout);
    if (!readable.includes(tensor.dtype)) {
      problems.push(`${layout.name}: expected dtype ${readable.join(', ')}, found ${tensor.dtype}`);
    }
  }
  for (const [name, tensor] of tensors) {
    if (!expectedNames.has(name)) {
      problems.push(
        `${name}: unexpected tensor (${tensor.dtype} ${shapeText(tensor.shape)}); expected only ${[...expectedNames].join(', ')}`,
      );
    }
  }
  if (problems.length > 0) throw new WeightsMismatchError(modelName, problems);
  return layouts.map((layout) => {
    const tensor = tensors.get(layout.name) as DecodedTensor;
    return layout.fromTorch(
      layout.torchDtype === 'I64' ? integersToFloat32(tensor) : tensorToFloat32(tensor),
    );
  });
}
