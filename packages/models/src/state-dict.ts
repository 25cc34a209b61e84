import type { NamedParameter, TensorKind } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { decodeTorchWeights, encodeTorchWeights } from './torch-weights.js';
import type { ParameterLayout } from './types.js';

/**
 * One tensor of a model's PyTorch `state_dict`: its layout, what it is, and the tfjs variable
 * holding it (trainable or not: `variable.trainable`). Layers own these; models list them in
 * `state_dict` order, and save and load them all at once.
 */
export interface StateEntry extends NamedParameter {
  readonly layout: ParameterLayout;
  readonly kind: TensorKind;
}

/**
 * A variable for `layout` holding `torchValues` (given in PyTorch's layout): float32, or int32
 * for I64 layouts. `trainable: false` keeps it out of gradients (running statistics, frozen
 * weights).
 *
 * @example
 * ```ts
 * const entry = createStateEntry(channelVectorLayout('bn.bias', { size: 2 }), 'norm-bias', new Float32Array([0.5, -0.5]), true);
 * entry.variable.shape; // [2]
 * entry.variable.dispose();
 * ```
 */
export function createStateEntry(
  layout: ParameterLayout,
  kind: TensorKind,
  torchValues: Float32Array,
  trainable: boolean,
): StateEntry {
  const values = layout.fromTorch(torchValues);
  const variable = tf.tidy(() =>
    tf.variable(
      layout.torchDtype === 'I64'
        ? tf.tensor(Int32Array.from(values), [...layout.tfjsShape], 'int32')
        : tf.tensor(values, [...layout.tfjsShape], 'float32'),
      trainable,
    ),
  );
  return { name: layout.name, layout, kind, variable };
}

/**
 * The entries as a PyTorch `state_dict` in `.safetensors` bytes (F32, and I64 for batch
 * counts), with `metadata`.
 *
 * @example
 * ```ts
 * const entry = createStateEntry(channelVectorLayout('bn.bias', { size: 2 }), 'norm-bias', new Float32Array([0.5, -0.5]), true);
 * const bytes = saveStateDict([entry], { format: 'pt' });
 * entry.variable.dispose();
 * ```
 */
export function saveStateDict(
  entries: readonly StateEntry[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const values = entries.map((e) => Float32Array.from(e.variable.dataSync() as ArrayLike<number>));
  return encodeTorchWeights(
    entries.map((e) => e.layout),
    values,
    metadata,
  );
}

/**
 * Replaces every entry's value with the tensor of the same name in `bytes`. Nothing changes
 * unless every tensor fits; otherwise one `WeightsMismatchError` names each problem.
 *
 * @example
 * ```ts
 * const entry = createStateEntry(channelVectorLayout('bn.bias', { size: 2 }), 'norm-bias', new Float32Array(2), true);
 * loadStateDict([entry], saveStateDict([entry], {}), 'Tiny');
 * entry.variable.dispose();
 * ```
 */
export function loadStateDict(
  entries: readonly StateEntry[],
  bytes: Uint8Array,
  modelName: string,
): void {
  const values = decodeTorchWeights(
    bytes,
    entries.map((e) => e.layout),
    modelName,
  );
  tf.tidy(() => {
    entries.forEach((entry, i) => {
      const v = values[i] as Float32Array;
      const { variable } = entry;
      variable.assign(
        variable.dtype === 'int32'
          ? tf.tensor(Int32Array.from(v), variable.shape, 'int32')
          : tf.tensor(v, variable.shape, 'float32'),
      );
    });
  });
}
