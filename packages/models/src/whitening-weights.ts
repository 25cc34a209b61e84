import { symmetricEigen } from './symmetric-eigen.js';

/** How {@link whiteningWeights} shapes its filters. */
export interface WhiteningOptions {
  readonly inChannels: number;
  readonly kernelSize: number;
  /** Added to each eigenvalue before the square root; airbench uses 5e-4. */
  readonly eps?: number;
}

/**
 * The filters of a patch-whitening convolution from the patch covariance (see
 * `patchCovariance`): its d eigenvectors, largest eigenvalue first, each divided by
 * `sqrt(eigenvalue + eps)`, followed by the same d filters negated — 2·d filters in PyTorch's
 * conv-weight layout `[2·d, inChannels, kernelSize, kernelSize]`, as airbench initialises its
 * first layer. Each eigenvector's sign is normalised (largest component positive), where
 * LAPACK's is arbitrary; since the negated copy follows, the two conventions differ only by
 * swapping filter i with filter i + d.
 *
 * @example
 * ```ts
 * const covariance = new Float64Array(144);
 * for (let i = 0; i < 12; i++) covariance[i * 13] = 1; // identity: patches already white
 * const weights = whiteningWeights(covariance, { inChannels: 3, kernelSize: 2, eps: 0 });
 * weights.length; // 288
 * ```
 */
export function whiteningWeights(
  covariance: ArrayLike<number>,
  { inChannels, kernelSize, eps = 5e-4 }: WhiteningOptions,
): Float32Array {
  const d = inChannels * kernelSize * kernelSize;
  if (covariance.length !== d * d) {
    throw new Error(
      `whiteningWeights: a ${kernelSize}×${kernelSize}×${inChannels} patch has ${d} values, so the covariance needs ${d * d}; got ${covariance.length}.`,
    );
  }
  const { values, vectors } = symmetricEigen(covariance, d);
  const weights = new Float32Array(2 * d * d);
  for (let i = 0; i < d; i++) {
    const variance = (values[i] as number) + eps;
    if (!(variance > 0)) {
      throw new Error(
        `whiteningWeights: eigenvalue ${values[i]} + eps ${eps} is not positive; the covariance is not positive semi-definite, or raise eps.`,
      );
    }
    const scale = 1 / Math.sqrt(variance);
    for (let j = 0; j < d; j++) {
      const value = (vectors[i * d + j] as number) * scale;
      weights[i * d + j] = value;
      weights[(i + d) * d + j] = -value;
    }
  }
  return weights;
}
