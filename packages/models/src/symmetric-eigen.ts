/** Eigenvalues and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Largest first. */
  readonly values: Float64Array;
  /**
   * Row i (`vectors.subarray(i·n, (i + 1)·n)`) is the unit eigenvector of `values[i]`, signed
   * so that its largest-magnitude component (the first of equals) is positive: eigenvectors
   * are defined up to sign, and this makes the result deterministic.
   */
  readonly vectors: Float64Array;
}

/** Rotations stop once no off-diagonal element is above this fraction of its diagonal pair… */
const NEGLIGIBLE = 2 ** -53;
/** …or above this fraction of the matrix's norm (so zero eigenvalues cannot stall the loop). */
const NEGLIGIBLE_OF_NORM = 2 ** -53 * 1e-12;
const MAX_SWEEPS = 100;

/**
 * The eigen-decomposition of a small symmetric `n` × `n` matrix (row-major; only its upper
 * triangle is read, like `torch.linalg.eigh(…, UPLO='U')`), by cyclic Jacobi rotations in
 * float64, run until no off-diagonal element is significant against its diagonal — which also
 * gives small eigenvalues to high relative accuracy. tfjs has no eigen-decomposition; this one
 * serves the 12×12 patch covariance of a whitening layer (O(n³) per sweep, a few sweeps).
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
 * values; // Float64Array [3, 1]
 * vectors; // Float64Array [0.70710678, 0.70710678, 0.70710678, -0.70710678]
 * ```
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new Error(
      `symmetricEigen needs an n × n matrix as n² numbers; got ${matrix.length} numbers for n = ${n}.`,
    );
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = matrix[i * n + j] as number;
      if (!Number.isFinite(value)) {
        throw new Error(
          `symmetricEigen: element [${i}][${j}] is ${value}; the matrix must be finite.`,
        );
      }
      a[i * n + j] = value;
      a[j * n + i] = value;
    }
  }
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += (a[i] as number) ** 2;
  const floor = NEGLIGIBLE_OF_NORM * Math.sqrt(norm);
  // Columns of v collect the rotations: A = V diag(λ) Vᵀ.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let sweep = 0;
  for (let rotated = true; rotated; sweep++) {
    if (sweep === MAX_SWEEPS) {
      throw new Error(`symmetricEigen did not converge in ${MAX_SWEEPS} sweeps (n = ${n}).`);
    }
    rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const size = Math.abs(apq);
        if (size <= floor || size <= NEGLIGIBLE * Math.sqrt(Math.abs(app * aqq))) continue;
        rotated = true;
        // Golub & Van Loan's symmetric Schur step: the rotation that zeroes a[p][q].
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
        // Zero in exact arithmetic; setting it so keeps rounding from reviving it.
        a[p * n + q] = 0;
        a[q * n + p] = 0;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => (a[j * n + j] as number) - (a[i * n + i] as number),
  );
  const values = Float64Array.from(order, (i) => a[i * n + i] as number);
  const vectors = new Float64Array(n * n);
  order.forEach((column, row) => {
    let largest = 0;
    for (let k = 0; k < n; k++) {
      if (Math.abs(v[k * n + column] as number) > Math.abs(v[largest * n + column] as number)) {
        largest = k;
      }
    }
    const sign = (v[largest * n + column] as number) < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[row * n + k] = sign * (v[k * n + column] as number);
  });
  return { values, vectors };
}
