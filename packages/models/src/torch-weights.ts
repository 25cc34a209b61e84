import type { SafetensorsDtype, TensorToEncode } from '@cnnkit/safetensors';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import type { ParameterLayout } from './types.js';

/** Float dtypes a PyTorch checkpoint may reasonably hold; all are read as float32. */
const READABLE_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F64', 'F16', 'BF16'];

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
 * Writes parameters (given in tfjs layout) as a PyTorch-style F32 safetensors file: PyTorch
 * names, shapes and element order, in the layouts' order.
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
    tensors[layout.name] = { dtype: 'F32', shape: layout.torchShape, data: layout.toTorch(values) };
  });
  return encodeSafetensors(tensors, metadata);
}

/**
 * Reads a PyTorch-style safetensors file into tfjs-layout values, one per layout. Checks every
 * name, shape and dtype first and throws one {@link WeightsMismatchError} listing all problems.
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
    if (!READABLE_DTYPES.includes(tensor.dtype)) {
      problems.push(
        `${layout.name}: expected dtype ${READABLE_DTYPES.join(', ')}, found ${tensor.dtype}`,
      );
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
  return layouts.map((layout) =>
    layout.fromTorch(
      tensorToFloat32(tensors.get(layout.name) as NonNullable<ReturnType<typeof tensors.get>>),
    ),
  );
}
