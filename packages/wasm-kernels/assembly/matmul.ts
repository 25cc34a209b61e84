// Matrix multiplication: C[m×n] = op(A)·op(B), row-major, op = transpose when asked.
// A is [m×k] (stored [k×m] when transposeA), B is [k×n] (stored [n×k] when transposeB).

import { hsum, madd } from './simd-math';

/** Rows i0..i0+3 of C, columns j0..j0+7, when B's rows are contiguous (B not transposed). */
function rows4cols8(
  a: usize,
  b: usize,
  c: usize,
  i0: i32,
  j0: i32,
  n: i32,
  k: i32,
  rowStep: usize,
  depthStep: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let ap = a + <usize>i0 * rowStep;
  let bp = b + ((<usize>j0) << 2);
  const bStep = (<usize>n) << 2;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap + rowStep);
    const a2 = v128.load32_splat(ap + 2 * rowStep);
    const a3 = v128.load32_splat(ap + 3 * rowStep);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += depthStep;
    bp += bStep;
  }
  const out = c + ((<usize>i0 * <usize>n + <usize>j0) << 2);
  const cStep = (<usize>n) << 2;
  v128.store(out, c00);
  v128.store(out, c01, 16);
  v128.store(out + cStep, c10);
  v128.store(out + cStep, c11, 16);
  v128.store(out + 2 * cStep, c20);
  v128.store(out + 2 * cStep, c21, 16);
  v128.store(out + 3 * cStep, c30);
  v128.store(out + 3 * cStep, c31, 16);
}

/** One row of C, columns j0..j0+3 (B not transposed). */
function row1cols4(
  a: usize,
  b: usize,
  c: usize,
  i: i32,
  j0: i32,
  n: i32,
  k: i32,
  rowStep: usize,
  depthStep: usize,
): void {
  let acc = f32x4.splat(0);
  let ap = a + <usize>i * rowStep;
  let bp = b + ((<usize>j0) << 2);
  const bStep = (<usize>n) << 2;
  for (let p = 0; p < k; p++) {
    acc = madd(v128.load32_splat(ap), v128.load(bp), acc);
    ap += depthStep;
    bp += bStep;
  }
  v128.store(c + ((<usize>i * <usize>n + <usize>j0) << 2), acc);
}

/** One element of C with plain float arithmetic, for edges and the rare both-transposed case. */
function element(
  a: usize,
  b: usize,
  i: i32,
  j: i32,
  k: i32,
  aRow: usize,
  aDepth: usize,
  bDepth: usize,
  bColumn: usize,
): f32 {
  let sum: f32 = 0;
  let ap = a + <usize>i * aRow;
  let bp = b + <usize>j * bColumn;
  for (let p = 0; p < k; p++) {
    sum += load<f32>(ap) * load<f32>(bp);
    ap += aDepth;
    bp += bDepth;
  }
  return sum;
}

/**
 * Rows rowFrom..rowTo − 1 of C = A·Bᵀ-style dot products: A rows and stored B rows both
 * contiguous along k.
 */
function matmulDots(a: usize, b: usize, c: usize, rowFrom: i32, rowTo: i32, n: i32, k: i32): void {
  const kv = k & ~3;
  const row = (<usize>k) << 2;
  let i = rowFrom;
  for (; i + 1 < rowTo; i += 2) {
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s02 = f32x4.splat(0);
      let s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s12 = f32x4.splat(0);
      let s13 = f32x4.splat(0);
      const a0 = a + <usize>i * row;
      const a1 = a0 + row;
      const b0 = b + <usize>j * row;
      const b1 = b0 + row;
      const b2 = b1 + row;
      const b3 = b2 + row;
      for (let p = 0; p < kv; p += 4) {
        const at = (<usize>p) << 2;
        const x0 = v128.load(a0 + at);
        const x1 = v128.load(a1 + at);
        const y0 = v128.load(b0 + at);
        const y1 = v128.load(b1 + at);
        const y2 = v128.load(b2 + at);
        const y3 = v128.load(b3 + at);
        s00 = madd(x0, y0, s00);
        s01 = madd(x0, y1, s01);
        s02 = madd(x0, y2, s02);
        s03 = madd(x0, y3, s03);
        s10 = madd(x1, y0, s10);
        s11 = madd(x1, y1, s11);
        s12 = madd(x1, y2, s12);
        s13 = madd(x1, y3, s13);
      }
      let r00 = hsum(s00);
      let r01 = hsum(s01);
      let r02 = hsum(s02);
      let r03 = hsum(s03);
      let r10 = hsum(s10);
      let r11 = hsum(s11);
      let r12 = hsum(s12);
      let r13 = hsum(s13);
      for (let p = kv; p < k; p++) {
        const at = (<usize>p) << 2;
        const x0 = load<f32>(a0 + at);
        const x1 = load<f32>(a1 + at);
        const y0 = load<f32>(b0 + at);
        const y1 = load<f32>(b1 + at);
        const y2 = load<f32>(b2 + at);
        const y3 = load<f32>(b3 + at);
        r00 += x0 * y0;
        r01 += x0 * y1;
        r02 += x0 * y2;
        r03 += x0 * y3;
        r10 += x1 * y0;
        r11 += x1 * y1;
        r12 += x1 * y2;
        r13 += x1 * y3;
      }
      const out0 = c + ((<usize>i * <usize>n + <usize>j) << 2);
      const out1 = out0 + ((<usize>n) << 2);
      store<f32>(out0, r00);
      store<f32>(out0, r01, 4);
      store<f32>(out0, r02, 8);
      store<f32>(out0, r03, 12);
      store<f32>(out1, r10);
      store<f32>(out1, r11, 4);
      store<f32>(out1, r12, 8);
      store<f32>(out1, r13, 12);
    }
    for (; j < n; j++) {
      store<f32>(
        c + ((<usize>i * <usize>n + <usize>j) << 2),
        dot(a + <usize>i * row, b + <usize>j * row, k),
      );
      store<f32>(
        c + (((<usize>i + 1) * <usize>n + <usize>j) << 2),
        dot(a + (<usize>i + 1) * row, b + <usize>j * row, k),
      );
    }
  }
  for (; i < rowTo; i++) {
    for (let j = 0; j < n; j++) {
      store<f32>(
        c + ((<usize>i * <usize>n + <usize>j) << 2),
        dot(a + <usize>i * row, b + <usize>j * row, k),
      );
    }
  }
}

function dot(x: usize, y: usize, k: i32): f32 {
  const kv = k & ~3;
  let s = f32x4.splat(0);
  for (let p = 0; p < kv; p += 4) {
    const at = (<usize>p) << 2;
    s = madd(v128.load(x + at), v128.load(y + at), s);
  }
  let r = hsum(s);
  for (let p = kv; p < k; p++) {
    const at = (<usize>p) << 2;
    r += load<f32>(x + at) * load<f32>(y + at);
  }
  return r;
}

/**
 * C[m×n] = op(A)·op(B), row-major, op = transpose when asked: A is [m×k] (stored [k×m] when
 * transposeA is not 0), B is [k×n] (stored [n×k] when transposeB is not 0). A part is four rows
 * of C (the last part may have fewer): parts [partFrom, partTo) of ⌈m / 4⌉ are written. Every
 * element is computed the same way whatever rows are computed with it.
 */
export function matmul(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  transposeA: i32,
  transposeB: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const rowFrom = partFrom << 2;
  const rowTo = min(partTo << 2, m);
  // Byte steps of A along its rows (i) and along the shared dimension (p).
  const rowStep: usize = transposeA ? 4 : (<usize>k) << 2;
  const depthStep: usize = transposeA ? (<usize>m) << 2 : 4;
  if (transposeB) {
    if (!transposeA) {
      matmulDots(a, b, c, rowFrom, rowTo, n, k);
      return;
    }
    const bColumn: usize = (<usize>k) << 2;
    for (let i = rowFrom; i < rowTo; i++) {
      for (let j = 0; j < n; j++) {
        store<f32>(
          c + ((<usize>i * <usize>n + <usize>j) << 2),
          element(a, b, i, j, k, rowStep, depthStep, 4, bColumn),
        );
      }
    }
    return;
  }
  const n8 = n & ~7;
  const n4 = n & ~3;
  const bDepth: usize = (<usize>n) << 2;
  let i = rowFrom;
  for (; i + 3 < rowTo; i += 4) {
    for (let j = 0; j < n8; j += 8) rows4cols8(a, b, c, i, j, n, k, rowStep, depthStep);
    for (let r = i; r < i + 4; r++) {
      for (let j = n8; j < n4; j += 4) row1cols4(a, b, c, r, j, n, k, rowStep, depthStep);
      for (let j = n4; j < n; j++) {
        store<f32>(
          c + ((<usize>r * <usize>n + <usize>j) << 2),
          element(a, b, r, j, k, rowStep, depthStep, bDepth, 4),
        );
      }
    }
  }
  for (; i < rowTo; i++) {
    for (let j = 0; j < n4; j += 4) row1cols4(a, b, c, i, j, n, k, rowStep, depthStep);
    for (let j = n4; j < n; j++) {
      store<f32>(
        c + ((<usize>i * <usize>n + <usize>j) << 2),
        element(a, b, i, j, k, rowStep, depthStep, bDepth, 4),
      );
    }
  }
}
