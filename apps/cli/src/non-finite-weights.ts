import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import { plural } from './plural.js';
import { UserError } from './user-errors.js';

/** A weight tensor with NaN or infinite values. */
export interface NonFiniteTensor {
  readonly name: string;
  readonly nan: number;
  readonly infinite: number;
  /** Flat index of the first bad value, in the file's (PyTorch's) layout. */
  readonly firstIndex: number;
  readonly size: number;
}

/** The tensors of a `.safetensors` file that hold NaN or ±Infinity, in the file's order. */
export function findNonFiniteTensors(weights: Uint8Array): NonFiniteTensor[] {
  const found: NonFiniteTensor[] = [];
  for (const [name, tensor] of decodeSafetensors(weights).tensors) {
    if (!tensor.dtype.startsWith('F') && tensor.dtype !== 'BF16') continue;
    const values = tensorToFloat32(tensor);
    let nan = 0;
    let infinite = 0;
    let firstIndex = -1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) continue;
      if (Number.isNaN(v)) nan++;
      else infinite++;
      if (firstIndex < 0) firstIndex = i;
    }
    if (firstIndex >= 0) found.push({ name, nan, infinite, firstIndex, size: values.length });
  }
  return found;
}

function describe(tensor: NonFiniteTensor): string {
  const counts = [
    tensor.nan > 0 ? `${tensor.nan} NaN` : '',
    tensor.infinite > 0 ? `${tensor.infinite} infinite` : '',
  ].filter(Boolean);
  return `${tensor.name} (${counts.join(' and ')} of ${plural(tensor.size, 'value')}, first at index ${tensor.firstIndex})`;
}

/**
 * Refuses weights with NaN or infinite values: such a model predicts garbage with a straight
 * face (eval printed "10.0 %, loss NaN", predict "NaN %"). With `allow`, says so and goes on.
 * `weights` are the model's own (`saveWeights()`), so indexes are those of PyTorch's layout.
 */
export function checkFiniteWeights(
  file: string,
  weights: Uint8Array,
  options: { readonly allow: boolean; readonly notify: (line: string) => void },
): void {
  const bad = findNonFiniteTensors(weights);
  if (bad.length === 0) return;
  const which = `${bad.length === 1 ? 'tensor' : 'tensors'} ${bad.map(describe).join(', ')}`;
  if (options.allow) {
    options.notify(`warning: ${file}: ${which}; results will be meaningless (--allow-non-finite)`);
    return;
  }
  throw new UserError(
    `${file}: ${which}; the training diverged or the file is damaged. Pass --allow-non-finite to use it anyway.`,
  );
}
