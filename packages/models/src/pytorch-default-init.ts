import { Rng } from '@cnnkit/random';
import type { ParameterLayout } from './types.js';

/**
 * PyTorch's default initialisation for Conv2d and Linear: weights and biases uniform in
 * ±1/√fan_in (kaiming_uniform with a = √5 reduces to exactly that bound). Values are drawn
 * from one seeded {@link Rng} in state_dict order and PyTorch element order, so a seed fixes
 * the whole state_dict; they are returned in tfjs layout.
 *
 * @example
 * ```ts
 * const [weights] = pytorchDefaultInit([biasLayout('fc.bias', { size: 4, fanIn: 16 })], 0);
 * // every value lies in [-0.25, 0.25]
 * ```
 */
export function pytorchDefaultInit(
  layouts: readonly ParameterLayout[],
  seed: number,
): Float32Array[] {
  const rng = new Rng(seed);
  return layouts.map((layout) => layout.fromTorch(drawPytorchDefault(layout, rng)));
}

/**
 * One layout's PyTorch default values drawn from `rng`, in PyTorch layout (so that layers
 * which adjust them — identity kernels, a zeroed bias — work on PyTorch's element order).
 */
export function drawPytorchDefault(layout: ParameterLayout, rng: Rng): Float32Array {
  if (!(layout.fanIn > 0)) {
    throw new Error(
      `${layout.name} has no PyTorch uniform default (fan_in ${layout.fanIn}); initialise it in its layer.`,
    );
  }
  const bound = 1 / Math.sqrt(layout.fanIn);
  const torchValues = new Float32Array(layout.torchShape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < torchValues.length; i++) torchValues[i] = rng.uniform(-bound, bound);
  return torchValues;
}
