// SIMD training kernels, compiled with AssemblyScript into a WebAssembly module that imports the
// tfjs wasm backend's memory (`env.memory`) and works on its tensors in place.
//
// Rules that keep the backend's heap safe (checked on the built binary by a test):
// - no allocation, no strings, no static data: the module has no data segments and never
//   touches memory except through the pointers it is given;
// - no recursion or arrays: locals only, so no shadow stack.
// Every pointer is a byte offset into the backend's memory; every buffer is float32 unless
// named otherwise, and every output buffer is fully written (callers need not clear it).

export { conv2dForward } from './conv2d-forward';

import { madd } from './simd-math';

// ---------------------------------------------------------------------------------------------
// SGD (torch.optim.SGD, dampening 0), one tensor per call.

/**
 * d = g (+ p·weightDecay); with a buffer: b' = b·momentum + d, d = nesterov ? d + b'·momentum
 * : b'; p' = p − d·lr. The same float32 operations in the same order as the unfused tfjs ops,
 * so results are bit-identical to them. `hasBuffer` 0 means no momentum buffer.
 */
export function sgdStep(
  param: usize,
  grad: usize,
  buffer: usize,
  outParam: usize,
  outBuffer: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  weightDecay: f32,
  hasBuffer: i32,
  nesterov: i32,
): void {
  const vlr = f32x4.splat(lr);
  const vm = f32x4.splat(momentum);
  const vwd = f32x4.splat(weightDecay);
  const decay = weightDecay !== 0;
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const at = (<usize>i) << 2;
    const p = v128.load(param + at);
    let d = v128.load(grad + at);
    if (decay) d = f32x4.add(d, f32x4.mul(p, vwd));
    if (hasBuffer) {
      const next = f32x4.add(f32x4.mul(v128.load(buffer + at), vm), d);
      v128.store(outBuffer + at, next);
      d = nesterov ? f32x4.add(d, f32x4.mul(next, vm)) : next;
    }
    v128.store(outParam + at, f32x4.sub(p, f32x4.mul(d, vlr)));
  }
  for (let i = vectorEnd; i < n; i++) {
    const at = (<usize>i) << 2;
    const p = load<f32>(param + at);
    let d = load<f32>(grad + at);
    if (decay) d = d + p * weightDecay;
    if (hasBuffer) {
      const next = load<f32>(buffer + at) * momentum + d;
      store<f32>(outBuffer + at, next);
      d = nesterov ? d + next * momentum : next;
    }
    store<f32>(outParam + at, p - d * lr);
  }
}

// ---------------------------------------------------------------------------------------------
// Matrix multiplication: C[m×n] = op(A)·op(B), row-major, op = transpose when asked.
// A is [m×k] (stored [k×m] when transposeA), B is [k×n] (stored [n×k] when transposeB).

function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) +
    f32x4.extract_lane(v, 3)
  );
}

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

/** C = A·Bᵀ-style dot products: A rows and stored B rows both contiguous along k. */
function matmulDots(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const kv = k & ~3;
  const row = (<usize>k) << 2;
  let i = 0;
  for (; i + 1 < m; i += 2) {
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
  for (; i < m; i++) {
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

/** C[m×n] = op(A)·op(B); see the section comment for the layouts. */
export function matmul(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  transposeA: i32,
  transposeB: i32,
): void {
  // Byte steps of A along its rows (i) and along the shared dimension (p).
  const rowStep: usize = transposeA ? 4 : (<usize>k) << 2;
  const depthStep: usize = transposeA ? (<usize>m) << 2 : 4;
  if (transposeB) {
    if (!transposeA) {
      matmulDots(a, b, c, m, n, k);
      return;
    }
    const bColumn: usize = (<usize>k) << 2;
    for (let i = 0; i < m; i++) {
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
  let i = 0;
  for (; i + 3 < m; i += 4) {
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
  for (; i < m; i++) {
    for (let j = 0; j < n4; j += 4) row1cols4(a, b, c, i, j, n, k, rowStep, depthStep);
    for (let j = n4; j < n; j++) {
      store<f32>(
        c + ((<usize>i * <usize>n + <usize>j) << 2),
        element(a, b, i, j, k, rowStep, depthStep, bDepth, 4),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layout helpers for the convolution gradients: NHWC ↔ zero-padded planar [B, C, rows, cols].

/**
 * planar[b, ch, r, col] = src[b, r − top, col − left, ch] (NHWC, height × width) where that is
 * inside src, else 0. planar is [batch, channels, rows, cols].
 */
export function toPaddedPlanar(
  src: usize,
  planar: usize,
  batch: i32,
  height: i32,
  width: i32,
  channels: i32,
  rows: i32,
  cols: i32,
  top: i32,
  left: i32,
): void {
  memory.fill(planar, 0, (<usize>batch * <usize>channels * <usize>rows * <usize>cols) << 2);
  // Source columns whose planar column is inside the row.
  const wStart = max(0, -left);
  const wEnd = min(width, cols - left);
  if (wEnd <= wStart) return;
  const plane = (<usize>rows * <usize>cols) << 2;
  const pixel = (<usize>channels) << 2;
  const run = wEnd - wStart;
  const run4 = run & ~3;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < height; h++) {
      const r = h + top;
      if (r < 0 || r >= rows) continue;
      const rowFrom =
        src +
        ((((<usize>b * <usize>height + <usize>h) * <usize>width + <usize>wStart) *
          <usize>channels) <<
          2);
      const rowTo =
        planar +
        (((<usize>b * <usize>channels * <usize>rows + <usize>r) * <usize>cols +
          <usize>(wStart + left)) <<
          2);
      // Channel by channel: contiguous stores of 4 values gathered with a stride of one pixel.
      for (let ch = 0; ch < channels; ch++) {
        let from = rowFrom + ((<usize>ch) << 2);
        let to = rowTo + <usize>ch * plane;
        let w = 0;
        for (; w < run4; w += 4) {
          let v = v128.load32_zero(from);
          v = f32x4.replace_lane(v, 1, load<f32>(from + pixel));
          v = f32x4.replace_lane(v, 2, load<f32>(from + 2 * pixel));
          v = f32x4.replace_lane(v, 3, load<f32>(from + 3 * pixel));
          v128.store(to, v);
          from += 4 * pixel;
          to += 16;
        }
        for (; w < run; w++) {
          store<f32>(to, load<f32>(from));
          from += pixel;
          to += 4;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Conv2D filter gradient, stride 1, from zero-padded planar inputs. Each output-channel pair
// and group of 5, 4 or 3 filter columns keeps its sums in registers (10, 8 or 6 vectors)
// while one pass over the data loads each dy vector once for all of them.

/**
 * dW[fh, fw, ci, co] = Σ_b Σ_oh Σ_ow xp[b, ci, oh + fh·dh, ow + fw·dw] · dyp[b, co, oh, ow],
 * where xp is [batch, inC, xRows, xCols] (the input with its padding made explicit) and dyp is
 * [batch, outC, outH, dyCols] with dyCols a multiple of 4 and zeros past the real width, so
 * the sum over ow runs over whole vectors. xCols ≥ dyCols + (filterW − 1)·dw.
 */
export function conv2dFilterGrad(
  xp: usize,
  dyp: usize,
  dw: usize,
  batch: i32,
  inC: i32,
  outC: i32,
  xRows: i32,
  xCols: i32,
  outH: i32,
  dyCols: i32,
  filterH: i32,
  filterW: i32,
  dilationH: i32,
  dilationW: i32,
): void {
  const xPlane = (<usize>xRows * <usize>xCols) << 2;
  const dyPlane = (<usize>outH * <usize>dyCols) << 2;
  const xRow = (<usize>xCols) << 2;
  const dyRow = (<usize>dyCols) << 2;
  const fwStep = (<usize>dilationW) << 2;
  for (let ci = 0; ci < inC; ci++) {
    for (let fh = 0; fh < filterH; fh++) {
      const xBase = xp + <usize>ci * xPlane + <usize>(fh * dilationH) * xRow;
      let co = 0;
      for (; co + 1 < outC; co += 2) {
        const dyBase = dyp + <usize>co * dyPlane;
        let fw = 0;
        for (; fw + 4 < filterW; fw += 5) {
          let s00 = f32x4.splat(0);
          let s01 = f32x4.splat(0);
          let s02 = f32x4.splat(0);
          let s03 = f32x4.splat(0);
          let s04 = f32x4.splat(0);
          let s10 = f32x4.splat(0);
          let s11 = f32x4.splat(0);
          let s12 = f32x4.splat(0);
          let s13 = f32x4.splat(0);
          let s14 = f32x4.splat(0);
          const xOff = (<usize>(fw * dilationW)) << 2;
          for (let b = 0; b < batch; b++) {
            let xr = xBase + <usize>b * <usize>inC * xPlane + xOff;
            let yr = dyBase + <usize>b * <usize>outC * dyPlane;
            for (let oh = 0; oh < outH; oh++) {
              for (let v: usize = 0; v < dyRow; v += 16) {
                const y0 = v128.load(yr + v);
                const y1 = v128.load(yr + dyPlane + v);
                const x0 = v128.load(xr + v);
                const x1 = v128.load(xr + v + fwStep);
                const x2 = v128.load(xr + v + 2 * fwStep);
                const x3 = v128.load(xr + v + 3 * fwStep);
                const x4 = v128.load(xr + v + 4 * fwStep);
                s00 = madd(x0, y0, s00);
                s01 = madd(x1, y0, s01);
                s02 = madd(x2, y0, s02);
                s03 = madd(x3, y0, s03);
                s04 = madd(x4, y0, s04);
                s10 = madd(x0, y1, s10);
                s11 = madd(x1, y1, s11);
                s12 = madd(x2, y1, s12);
                s13 = madd(x3, y1, s13);
                s14 = madd(x4, y1, s14);
              }
              xr += xRow;
              yr += dyRow;
            }
          }
          const out =
            dw +
            ((((<usize>fh * <usize>filterW + <usize>fw) * <usize>inC + <usize>ci) * <usize>outC +
              <usize>co) <<
              2);
          const tap = (<usize>inC * <usize>outC) << 2;
          store<f32>(out, hsum(s00));
          store<f32>(out, hsum(s10), 4);
          store<f32>(out + tap, hsum(s01));
          store<f32>(out + tap, hsum(s11), 4);
          store<f32>(out + 2 * tap, hsum(s02));
          store<f32>(out + 2 * tap, hsum(s12), 4);
          store<f32>(out + 3 * tap, hsum(s03));
          store<f32>(out + 3 * tap, hsum(s13), 4);
          store<f32>(out + 4 * tap, hsum(s04));
          store<f32>(out + 4 * tap, hsum(s14), 4);
        }
        for (; fw + 3 < filterW; fw += 4) {
          let s00 = f32x4.splat(0);
          let s01 = f32x4.splat(0);
          let s02 = f32x4.splat(0);
          let s03 = f32x4.splat(0);
          let s10 = f32x4.splat(0);
          let s11 = f32x4.splat(0);
          let s12 = f32x4.splat(0);
          let s13 = f32x4.splat(0);
          const xOff = (<usize>(fw * dilationW)) << 2;
          for (let b = 0; b < batch; b++) {
            let xr = xBase + <usize>b * <usize>inC * xPlane + xOff;
            let yr = dyBase + <usize>b * <usize>outC * dyPlane;
            for (let oh = 0; oh < outH; oh++) {
              for (let v: usize = 0; v < dyRow; v += 16) {
                const y0 = v128.load(yr + v);
                const y1 = v128.load(yr + dyPlane + v);
                const x0 = v128.load(xr + v);
                const x1 = v128.load(xr + v + fwStep);
                const x2 = v128.load(xr + v + 2 * fwStep);
                const x3 = v128.load(xr + v + 3 * fwStep);
                s00 = madd(x0, y0, s00);
                s01 = madd(x1, y0, s01);
                s02 = madd(x2, y0, s02);
                s03 = madd(x3, y0, s03);
                s10 = madd(x0, y1, s10);
                s11 = madd(x1, y1, s11);
                s12 = madd(x2, y1, s12);
                s13 = madd(x3, y1, s13);
              }
              xr += xRow;
              yr += dyRow;
            }
          }
          const out =
            dw +
            ((((<usize>fh * <usize>filterW + <usize>fw) * <usize>inC + <usize>ci) * <usize>outC +
              <usize>co) <<
              2);
          const tap = (<usize>inC * <usize>outC) << 2;
          store<f32>(out, hsum(s00));
          store<f32>(out, hsum(s10), 4);
          store<f32>(out + tap, hsum(s01));
          store<f32>(out + tap, hsum(s11), 4);
          store<f32>(out + 2 * tap, hsum(s02));
          store<f32>(out + 2 * tap, hsum(s12), 4);
          store<f32>(out + 3 * tap, hsum(s03));
          store<f32>(out + 3 * tap, hsum(s13), 4);
        }
        for (; fw + 2 < filterW; fw += 3) {
          let s00 = f32x4.splat(0);
          let s01 = f32x4.splat(0);
          let s02 = f32x4.splat(0);
          let s10 = f32x4.splat(0);
          let s11 = f32x4.splat(0);
          let s12 = f32x4.splat(0);
          const xOff = (<usize>(fw * dilationW)) << 2;
          for (let b = 0; b < batch; b++) {
            let xr = xBase + <usize>b * <usize>inC * xPlane + xOff;
            let yr = dyBase + <usize>b * <usize>outC * dyPlane;
            for (let oh = 0; oh < outH; oh++) {
              for (let v: usize = 0; v < dyRow; v += 16) {
                const y0 = v128.load(yr + v);
                const y1 = v128.load(yr + dyPlane + v);
                const x0 = v128.load(xr + v);
                const x1 = v128.load(xr + v + fwStep);
                const x2 = v128.load(xr + v + 2 * fwStep);
                s00 = madd(x0, y0, s00);
                s01 = madd(x1, y0, s01);
                s02 = madd(x2, y0, s02);
                s10 = madd(x0, y1, s10);
                s11 = madd(x1, y1, s11);
                s12 = madd(x2, y1, s12);
              }
              xr += xRow;
              yr += dyRow;
            }
          }
          const out =
            dw +
            ((((<usize>fh * <usize>filterW + <usize>fw) * <usize>inC + <usize>ci) * <usize>outC +
              <usize>co) <<
              2);
          const tap = (<usize>inC * <usize>outC) << 2;
          store<f32>(out, hsum(s00));
          store<f32>(out, hsum(s10), 4);
          store<f32>(out + tap, hsum(s01));
          store<f32>(out + tap, hsum(s11), 4);
          store<f32>(out + 2 * tap, hsum(s02));
          store<f32>(out + 2 * tap, hsum(s12), 4);
        }
        for (; fw < filterW; fw++) {
          filterGradTap(
            xBase,
            dyBase,
            dw,
            batch,
            inC,
            outC,
            ci,
            co,
            2,
            fh,
            fw,
            outH,
            filterW,
            dilationW,
            xPlane,
            dyPlane,
            xRow,
            dyRow,
          );
        }
      }
      for (; co < outC; co++) {
        const dyBase = dyp + <usize>co * dyPlane;
        for (let fw = 0; fw < filterW; fw++) {
          filterGradTap(
            xBase,
            dyBase,
            dw,
            batch,
            inC,
            outC,
            ci,
            co,
            1,
            fh,
            fw,
            outH,
            filterW,
            dilationW,
            xPlane,
            dyPlane,
            xRow,
            dyRow,
          );
        }
      }
    }
  }
}

/** One filter tap (fh, fw) for output channels co (and co + 1 when `pair` is 2). */
function filterGradTap(
  xBase: usize,
  dyBase: usize,
  dw: usize,
  batch: i32,
  inC: i32,
  outC: i32,
  ci: i32,
  co: i32,
  pair: i32,
  fh: i32,
  fw: i32,
  outH: i32,
  filterW: i32,
  dilationW: i32,
  xPlane: usize,
  dyPlane: usize,
  xRow: usize,
  dyRow: usize,
): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  const xOff = (<usize>(fw * dilationW)) << 2;
  for (let b = 0; b < batch; b++) {
    let xr = xBase + <usize>b * <usize>inC * xPlane + xOff;
    let yr = dyBase + <usize>b * <usize>outC * dyPlane;
    for (let oh = 0; oh < outH; oh++) {
      for (let v: usize = 0; v < dyRow; v += 16) {
        const x0 = v128.load(xr + v);
        s0 = madd(x0, v128.load(yr + v), s0);
        if (pair === 2) s1 = madd(x0, v128.load(yr + dyPlane + v), s1);
      }
      xr += xRow;
      yr += dyRow;
    }
  }
  const out =
    dw +
    ((((<usize>fh * <usize>filterW + <usize>fw) * <usize>inC + <usize>ci) * <usize>outC +
      <usize>co) <<
      2);
  store<f32>(out, hsum(s0));
  if (pair === 2) store<f32>(out, hsum(s1), 4);
}

// ---------------------------------------------------------------------------------------------
// Max pooling gradient (NHWC), ties and all-NaN windows like tfjs's cpu backend.

/**
 * Each dy value goes to the first maximum of its window (strictly greater than everything
 * before it, starting from −∞; a window with no such value drops its gradient). dx is written
 * whole. Windows may overlap (contributions add up) and reach into padding.
 */
export function maxPoolGrad(
  x: usize,
  dy: usize,
  dx: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  channels: i32,
  outH: i32,
  outW: i32,
  filterH: i32,
  filterW: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
): void {
  memory.fill(dx, 0, (<usize>batch * <usize>inH * <usize>inW * <usize>channels) << 2);
  // Windows that cannot overlap (stride ≥ window) own their dx elements: results are stored,
  // not added, so the last group of 4 channels may overlap the previous one (same values
  // stored twice) and no channel needs the scalar path when there are at least 4.
  const disjoint = strideH >= filterH && strideW >= filterW && channels >= 4;
  const c4 = disjoint ? channels : channels & ~3;
  const pixel = (<usize>channels) << 2;
  const negInf = f32x4.splat(-Infinity);
  const none = i32x4.splat(-1);
  for (let b = 0; b < batch; b++) {
    const image = <usize>b * <usize>inH * <usize>inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = oh * strideH - padTop;
      const rStart = max(r0, 0);
      const rEnd = min(r0 + filterH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const c0 = ow * strideW - padLeft;
        const cStart = max(c0, 0);
        const cEnd = min(c0 + filterW, inW);
        const dyAt =
          dy +
          ((((<usize>b * <usize>outH + <usize>oh) * <usize>outW + <usize>ow) * <usize>channels) <<
            2);
        for (let step = 0; step < c4; step += 4) {
          const c = disjoint ? min(step, channels - 4) : step;
          const lane = (<usize>c) << 2;
          let best = negInf;
          let where = none;
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const v = v128.load(x + at);
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              where = v128.bitselect(i32x4.splat(r * inW + col), where, greater);
            }
          }
          const g = v128.load(dyAt + lane);
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const hit = i32x4.eq(where, i32x4.splat(r * inW + col));
              if (disjoint) v128.store(dx + at, v128.and(g, hit));
              else v128.store(dx + at, f32x4.add(v128.load(dx + at), v128.and(g, hit)));
            }
          }
        }
        for (let c = c4; c < channels; c++) {
          const lane = (<usize>c) << 2;
          let best: f32 = -Infinity;
          let where: usize = 0;
          let found = false;
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const v = load<f32>(x + at);
              if (v > best) {
                best = v;
                where = at;
                found = true;
              }
            }
          }
          if (found) store<f32>(dx + where, load<f32>(dx + where) + load<f32>(dyAt + lane));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Conv2D input gradient as a product and a scatter-add (any stride, dilation and padding).

/** dst[c, r] = src[r, c] for a rows × cols float32 matrix. */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    let from = src + ((<usize>r * <usize>cols) << 2);
    let to = dst + ((<usize>r) << 2);
    const step = (<usize>rows) << 2;
    for (let c = 0; c < cols; c++) {
      store<f32>(to, load<f32>(from));
      from += 4;
      to += step;
    }
  }
}

/**
 * dx[b, oh·strideH − top + fh·dh, ow·strideW − left + fw·dw, :] += cols[p, fh, fw, :] for every
 * dy pixel p = (b, oh, ow) and filter tap, dropping taps that fall outside dx (the padding).
 * dx is NHWC [batch, inH, inW, inC] and written whole (zeroed first). With cols = dy·Wᵀ this is
 * the input gradient without the zero work of a full convolution.
 */
export function col2im(
  cols: usize,
  dx: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  inC: i32,
  outH: i32,
  outW: i32,
  filterH: i32,
  filterW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  top: i32,
  left: i32,
): void {
  memory.fill(dx, 0, (<usize>batch * <usize>inH * <usize>inW * <usize>inC) << 2);
  const pixel = (<usize>inC) << 2;
  const tapRow = <usize>filterW * pixel;
  let from = cols;
  for (let b = 0; b < batch; b++) {
    const image = dx + ((<usize>b * <usize>inH * <usize>inW * <usize>inC) << 2);
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const col0 = ow * strideW - left;
        // Filter columns whose dx column is inside the image.
        let fwStart = 0;
        while (fwStart < filterW && col0 + fwStart * dilationW < 0) fwStart++;
        let fwEnd = filterW;
        while (fwEnd > fwStart && col0 + (fwEnd - 1) * dilationW >= inW) fwEnd--;
        for (let fh = 0; fh < filterH; fh++) {
          const row = oh * strideH - top + fh * dilationH;
          if (row >= 0 && row < inH && fwEnd > fwStart) {
            const to =
              image + (<usize>row * <usize>inW + <usize>(col0 + fwStart * dilationW)) * pixel;
            const src = from + <usize>fwStart * pixel;
            if (dilationW === 1) {
              // Consecutive taps hit consecutive dx pixels: one contiguous run of floats.
              addRun(src, to, (fwEnd - fwStart) * inC);
            } else {
              const step = <usize>dilationW * pixel;
              for (let fw = fwStart; fw < fwEnd; fw++) {
                addRun(src + <usize>(fw - fwStart) * pixel, to + <usize>(fw - fwStart) * step, inC);
              }
            }
          }
          from += tapRow;
        }
      }
    }
  }
}

/** to[i] += from[i] for i < n. */
function addRun(from: usize, to: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
  }
}

// ---------------------------------------------------------------------------------------------
// Bias: the broadcast add of the forward pass and the column sums of its gradient.

/**
 * out[r, j] = x[r, j] + bias[j] for a rows × channels matrix x, then max(·, 0) when `relu` is
 * not 0 (a NaN stays NaN, like tfjs's relu). Four rows are 4·channels floats, a whole number of
 * vectors, so the flat data is added to bias repeated four times (written to `scratch`,
 * 4·channels floats) vector by vector, whatever the channel count.
 */
export function addBias(
  x: usize,
  bias: usize,
  scratch: usize,
  out: usize,
  rows: i32,
  channels: i32,
  relu: i32,
): void {
  const row = (<usize>channels) << 2;
  for (let q: usize = 0; q < 4; q++) memory.copy(scratch + q * row, bias, row);
  const period = row << 2;
  const whole = <usize>(rows >> 2) * period;
  const zero = f32x4.splat(0);
  for (let start: usize = 0; start < whole; start += period) {
    for (let v: usize = 0; v < period; v += 16) {
      const sum = f32x4.add(v128.load(x + start + v), v128.load(scratch + v));
      v128.store(out + start + v, relu ? f32x4.max(sum, zero) : sum);
    }
  }
  const total = <usize>rows * row;
  for (let at = whole; at < total; at += 4) {
    const sum = load<f32>(x + at) + load<f32>(scratch + (at - whole));
    // Written out so NaN stays NaN (like f32x4.max above).
    store<f32>(out + at, relu && sum < 0 ? 0 : sum);
  }
}

/**
 * The gradient of relu(x + bias) from its output y: dx = dy where y > 0, NaN where y is NaN
 * (tfjs's step(NaN) is NaN), else 0, for n floats; then dBias[j] = Σ_r dx[r, j] as in sumRows.
 */
export function biasReluGrad(
  dy: usize,
  y: usize,
  dx: usize,
  scratch: usize,
  dBias: usize,
  rows: i32,
  channels: i32,
): void {
  const total = (<usize>rows * <usize>channels) << 2;
  const whole = total & ~15;
  const zero = f32x4.splat(0);
  const nan = f32x4.splat(NaN);
  for (let at: usize = 0; at < whole; at += 16) {
    const out = v128.load(y + at);
    const passed = v128.and(v128.load(dy + at), f32x4.gt(out, zero));
    v128.store(dx + at, v128.or(passed, v128.and(nan, f32x4.ne(out, out))));
  }
  for (let at = whole; at < total; at += 4) {
    const out = load<f32>(y + at);
    // Neither > 0 nor <= 0 only for NaN.
    store<f32>(dx + at, out > 0 ? load<f32>(dy + at) : out <= 0 ? 0 : NaN);
  }
  sumRows(dx, scratch, dBias, rows, channels);
}

/**
 * out[j] = Σ_r x[r, j] over a rows × channels matrix. As in addBias, four rows at a time are
 * whole vectors: they are summed into `scratch` (4·channels floats) in blocks of 64 rows, whose
 * partial sums keep rounding error low for long columns, then the four row slots are folded.
 */
export function sumRows(x: usize, scratch: usize, out: usize, rows: i32, channels: i32): void {
  const row = (<usize>channels) << 2;
  const period = row << 2;
  memory.fill(scratch, 0, period);
  memory.fill(out, 0, row);
  const whole = <usize>(rows >> 2) * period;
  const block = period << 4; // 64 rows
  for (let start: usize = 0; start < whole; start += block) {
    const end = min(start + block, whole);
    for (let v: usize = 0; v < period; v += 16) {
      let acc = f32x4.splat(0);
      for (let at = start + v; at < end; at += period) acc = f32x4.add(acc, v128.load(x + at));
      v128.store(scratch + v, f32x4.add(v128.load(scratch + v), acc));
    }
  }
  const total = <usize>rows * row;
  for (let at = whole; at < total; at += 4) {
    const j = (at - whole) % row;
    store<f32>(out + j, load<f32>(out + j) + load<f32>(x + at));
  }
  for (let q: usize = 0; q < 4; q++) {
    for (let j: usize = 0; j < row; j += 4) {
      store<f32>(out + j, load<f32>(out + j) + load<f32>(scratch + q * row + j));
    }
  }
}
