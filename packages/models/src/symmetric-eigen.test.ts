import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './symmetric-eigen.js';
import { maxAbs, maxAbsDiff } from './test-support/compare.js';
import { fixtureTensors } from './test-support/fixtures.js';

const fixture = fixtureTensors('symmetric-eigen.safetensors');

/** max over i of ‖A vᵢ − λᵢ vᵢ‖∞ and of |vᵢ·vⱼ − δᵢⱼ|. */
function residuals(
  matrix: ArrayLike<number>,
  n: number,
  values: Float64Array,
  vectors: Float64Array,
) {
  let eigen = 0;
  let orthonormal = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < n; r++) {
      let av = 0;
      for (let c = 0; c < n; c++)
        av += (matrix[r * n + c] as number) * (vectors[i * n + c] as number);
      eigen = Math.max(
        eigen,
        Math.abs(av - (values[i] as number) * (vectors[i * n + r] as number)),
      );
    }
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++)
        dot += (vectors[i * n + k] as number) * (vectors[j * n + k] as number);
      orthonormal = Math.max(orthonormal, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return { eigen, orthonormal };
}

describe('symmetricEigen', () => {
  it.each(['spd', 'indefinite', 'scaled'])(
    '%s 12×12: eigenvalues and eigenvectors (up to sign) of numpy.linalg.eigh',
    (key) => {
      const matrix = fixture.f64(`${key}.matrix`);
      const { values, vectors } = symmetricEigen(matrix, 12);
      const expectedValues = fixture.f64(`${key}.eigenvalues`);
      const scale = maxAbs(expectedValues);
      expect(maxAbsDiff(values, expectedValues)).toBeLessThan(1e-12 * scale);
      const expectedVectors = fixture.f64(`${key}.eigenvectors`);
      for (let i = 0; i < 12; i++) {
        const ours = vectors.subarray(i * 12, (i + 1) * 12);
        const theirs = expectedVectors.subarray(i * 12, (i + 1) * 12);
        const sign = ours.reduce((s, v, k) => s + v * (theirs[k] as number), 0) < 0 ? -1 : 1;
        // numpy's own eigenvector error is eps·‖A‖/gap: ~1e-14 here, 4e-8 for "scaled".
        const tolerance = key === 'scaled' ? 1e-7 : 1e-12;
        expect(
          maxAbsDiff(
            ours,
            theirs.map((v) => sign * v),
          ),
        ).toBeLessThan(tolerance);
      }
      const { eigen, orthonormal } = residuals(matrix, 12, values, vectors);
      expect(eigen).toBeLessThan(1e-12 * scale);
      expect(orthonormal).toBeLessThan(1e-13);
    },
  );

  it('gives small eigenvalues to high relative accuracy (graded diagonal)', () => {
    const { values } = symmetricEigen(fixture.f64('scaled.matrix'), 12);
    // diag(1e-6 … 1e5) + 1e-7: the smallest eigenvalue is 1e-6 plus a perturbation of ~1e-7.
    expect(values[11]).toBeGreaterThan(0.5e-6);
    expect(values[11]).toBeLessThan(1.5e-6);
  });

  it('signs each eigenvector so that its largest component is positive', () => {
    const { vectors } = symmetricEigen(fixture.f64('indefinite.matrix'), 12);
    for (let i = 0; i < 12; i++) {
      const row = Array.from(vectors.subarray(i * 12, (i + 1) * 12));
      const largest = row.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('handles repeated and zero eigenvalues (zero, identity, rank one)', () => {
    const n = 12;
    const identity = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    const u = Array.from({ length: n }, (_, i) => i + 1);
    const rankOne = Array.from(
      { length: n * n },
      (_, i) => (u[Math.floor(i / n)] as number) * (u[i % n] as number),
    );
    const zero = new Array(n * n).fill(0);
    for (const matrix of [zero, identity, rankOne]) {
      const { values, vectors } = symmetricEigen(matrix, n);
      const { eigen, orthonormal } = residuals(matrix, n, values, vectors);
      expect(eigen).toBeLessThan(1e-12 * Math.max(1, maxAbs(values)));
      expect(orthonormal).toBeLessThan(1e-13);
    }
    expect(symmetricEigen(rankOne, n).values[0]).toBeCloseTo(650, 10); // ‖u‖² = 1² + … + 12²
  });

  it('reads only the upper triangle, like eigh(UPLO="U")', () => {
    const upper = symmetricEigen([2, 1, 99, 2], 2);
    expect(upper.values[0]).toBeCloseTo(3, 14);
    expect(upper.values[1]).toBeCloseTo(1, 14);
  });

  it('rejects a wrong size or non-finite values with the value', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(
      'symmetricEigen needs an n × n matrix as n² numbers; got 3 numbers for n = 2.',
    );
    expect(() => symmetricEigen([1, Number.NaN, 0, 1], 2)).toThrow(
      'symmetricEigen: element [0][1] is NaN; the matrix must be finite.',
    );
  });
});
