// The filter gradient of a 3×3, stride-1 convolution by Winograd's F(3×3, 2×2): for each 2×2
// block ("tile") of dy and the 4×4 input patch under it, the 3×3 filter gradient it contributes
// is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where g is the dy block and d the patch. Summed over tiles, the
// element-wise products become, per position ξ of the 4×4 transform, a matrix product over the
// tiles: M[ξ] (inC × outC) = V[ξ]ᵀ · D[ξ], 16 multiply-adds per tile and channel pair where
// direct summation needs 36 (9 taps × 4 pixels). The input transform is the forward's
// (conv2d-winograd.ts); with its Bᵀ (last row [0, 1, 0, −1]) the dy transform's last row is
// negated: G = [[1, 0], [½, ½], [½, −½], [0, −1]], Aᵀ = [[1, 1, 1, 0], [0, 1, −1, 0], [0, 1, 1, 1]].
//
// Each part sums its own range of tiles into its own M (in its scratch slot); a second kernel
// adds the parts' M in part order and applies the output transform, so the result depends on
// the number of parts (chosen from the problem size), never on the threads.

import { inputTransform, pixelAt, tileImage, tileLeft, tileTop } from './conv2d-winograd';
import { madd } from './simd-math';

/** Tiles per chunk: V and D of a chunk are 16·chunkTiles·(inC + outC) floats. */
const chunkTiles: i32 = 32;

/** Bytes of one part's scratch slot: its sums M_p, then a chunk's V and D. */
function slotBytes(inC: i32, outC: i32): usize {
  return (
    (<usize>16 * <usize>inC * <usize>outC + <usize>(16 * chunkTiles) * <usize>(inC + outC)) << 2
  );
}

/**
 * Part p sums, over its tiles [p·tilesPerPart, (p + 1)·tilesPerPart) of dy's 2×2 blocks in
 * (b, tile row, tile column) order, M_p[ξ, ci, co] = Σ_t V[ξ, t, ci] · D[ξ, t, co] into its
 * scratch slot: M_p ([16, inC, outC]) first, then room for a chunk's V ([16, chunkTiles, inC])
 * and D ([16, chunkTiles, outC]). xp is [batch, xRows, xCols, inC], the input with the forward
 * convolution's padding made explicit and at least 2·⌈outH / 2⌉ + 2 rows and 2·⌈outW / 2⌉ + 2
 * columns; dy is [batch, outH, outW, outC]. inC and outC multiples of 4. Parts
 * [partFrom, partTo) of ⌈tiles / tilesPerPart⌉.
 */
export function winogradFilterGradParts(
  xp: usize,
  dy: usize,
  scratch: usize,
  batch: i32,
  inC: i32,
  outC: i32,
  xRows: i32,
  xCols: i32,
  outH: i32,
  outW: i32,
  tilesPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const tilesH = (outH + 1) >> 1;
  const tilesW = (outW + 1) >> 1;
  const tiles = batch * tilesH * tilesW;
  const mFloats = <usize>16 * <usize>inC * <usize>outC;
  const vFloats = <usize>(16 * chunkTiles) * <usize>inC;
  const slot = slotBytes(inC, outC);
  for (let part = partFrom; part < partTo; part++) {
    const m = scratch + <usize>part * slot;
    const v = m + (mFloats << 2);
    const d = v + (vFloats << 2);
    memory.fill(m, 0, mFloats << 2);
    const partEnd = min(tiles, (part + 1) * tilesPerPart);
    for (let first = part * tilesPerPart; first < partEnd; first += chunkTiles) {
      const count = min(chunkTiles, partEnd - first);
      for (let t = 0; t < count; t++) {
        const tile = first + t;
        const b = tileImage(tile, tilesH, tilesW);
        const oh = tileTop(tile, tilesH, tilesW);
        const ow = tileLeft(tile, tilesW);
        const patch = pixelAt(xp, b, oh, ow, xRows, xCols, inC);
        inputTransform(patch, v + ((<usize>t * <usize>inC) << 2), inC, xCols, chunkTiles);
        gradientTransform(
          pixelAt(dy, b, oh, ow, outH, outW, outC),
          d + ((<usize>t * <usize>outC) << 2),
          outC,
          (<usize>outW * <usize>outC) << 2,
          oh + 1 < outH,
          ow + 1 < outW,
        );
      }
      for (let xi = 0; xi < 16; xi++) {
        const vXi = v + ((<usize>(xi * chunkTiles) * <usize>inC) << 2);
        const dXi = d + ((<usize>(xi * chunkTiles) * <usize>outC) << 2);
        const mXi = m + ((<usize>xi * <usize>inC * <usize>outC) << 2);
        for (let ci = 0; ci < inC; ci += 2) {
          const mRow = mXi + ((<usize>ci * <usize>outC) << 2);
          let co = 0;
          for (; co + 16 <= outC; co += 16) {
            sums2x16(
              vXi + ((<usize>ci) << 2),
              dXi + ((<usize>co) << 2),
              mRow + ((<usize>co) << 2),
              count,
              inC,
              outC,
            );
          }
          for (; co < outC; co += 4) {
            sums2x4(
              vXi + ((<usize>ci) << 2),
              dXi + ((<usize>co) << 2),
              mRow + ((<usize>co) << 2),
              count,
              inC,
              outC,
            );
          }
        }
      }
    }
  }
}

/**
 * dW[fh, fw, ci, co] = (Aᵀ·M·A)[fh, fw] with M = Σ_p M_p summed in part order (p = 0, 1, …,
 * parts − 1) from the scratch slots winogradFilterGradParts filled. A part of this kernel is one
 * input channel: parts [partFrom, partTo) of inC.
 */
export function winogradFilterGradSum(
  scratch: usize,
  dw: usize,
  parts: i32,
  inC: i32,
  outC: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const slot = slotBytes(inC, outC);
  const xiStep = (<usize>inC * <usize>outC) << 2;
  const tapStep = xiStep;
  for (let ci = partFrom; ci < partTo; ci++) {
    for (let co: usize = 0; co < (<usize>outC) << 2; co += 16) {
      const at = ((<usize>ci * <usize>outC) << 2) + co;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let s4 = f32x4.splat(0);
      let s5 = f32x4.splat(0);
      let s6 = f32x4.splat(0);
      let s7 = f32x4.splat(0);
      let s8 = f32x4.splat(0);
      let s9 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s12 = f32x4.splat(0);
      let s13 = f32x4.splat(0);
      let s14 = f32x4.splat(0);
      let s15 = f32x4.splat(0);
      for (let p = 0; p < parts; p++) {
        const q = scratch + <usize>p * slot + at;
        s0 = f32x4.add(s0, v128.load(q));
        s1 = f32x4.add(s1, v128.load(q + xiStep));
        s2 = f32x4.add(s2, v128.load(q + 2 * xiStep));
        s3 = f32x4.add(s3, v128.load(q + 3 * xiStep));
        s4 = f32x4.add(s4, v128.load(q + 4 * xiStep));
        s5 = f32x4.add(s5, v128.load(q + 5 * xiStep));
        s6 = f32x4.add(s6, v128.load(q + 6 * xiStep));
        s7 = f32x4.add(s7, v128.load(q + 7 * xiStep));
        s8 = f32x4.add(s8, v128.load(q + 8 * xiStep));
        s9 = f32x4.add(s9, v128.load(q + 9 * xiStep));
        s10 = f32x4.add(s10, v128.load(q + 10 * xiStep));
        s11 = f32x4.add(s11, v128.load(q + 11 * xiStep));
        s12 = f32x4.add(s12, v128.load(q + 12 * xiStep));
        s13 = f32x4.add(s13, v128.load(q + 13 * xiStep));
        s14 = f32x4.add(s14, v128.load(q + 14 * xiStep));
        s15 = f32x4.add(s15, v128.load(q + 15 * xiStep));
      }
      // Rows of Aᵀ·M: r0 = M0 + M1 + M2, r1 = M1 − M2, r2 = M1 + M2 + M3 (Mi = row i of M).
      const out = dw + at;
      sumRow(
        out,
        0,
        f32x4.add(f32x4.add(s0, s4), s8),
        f32x4.add(f32x4.add(s1, s5), s9),
        f32x4.add(f32x4.add(s2, s6), s10),
        f32x4.add(f32x4.add(s3, s7), s11),
        tapStep,
      );
      sumRow(
        out,
        3,
        f32x4.sub(s4, s8),
        f32x4.sub(s5, s9),
        f32x4.sub(s6, s10),
        f32x4.sub(s7, s11),
        tapStep,
      );
      sumRow(
        out,
        6,
        f32x4.add(f32x4.add(s4, s8), s12),
        f32x4.add(f32x4.add(s5, s9), s13),
        f32x4.add(f32x4.add(s6, s10), s14),
        f32x4.add(f32x4.add(s7, s11), s15),
        tapStep,
      );
    }
  }
}

/** One filter row (taps first..first + 2) of (Aᵀ·M)·A from a row r0..r3 of Aᵀ·M. */
function sumRow(
  out: usize,
  first: i32,
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
  tapStep: usize,
): void {
  const at = out + <usize>first * tapStep;
  v128.store(at, f32x4.add(f32x4.add(r0, r1), r2));
  v128.store(at + tapStep, f32x4.sub(r1, r2));
  v128.store(at + 2 * tapStep, f32x4.add(f32x4.add(r1, r2), r3));
}

/**
 * D[ξ, t, ·] = (G·g·Gᵀ)[ξ] for the 2×2 block g of dy at `block` (zero where the block passes
 * dy's bottom row or right column: `lower`, `right` say whether those exist), all outC channels
 * four at a time; `at` is D[0, t, 0] of a D laid out [16, chunkTiles, outC].
 */
function gradientTransform(
  block: usize,
  at: usize,
  outC: i32,
  rowBytes: usize,
  lower: bool,
  right: bool,
): void {
  const half = f32x4.splat(0.5);
  const zero = f32x4.splat(0);
  const pixel = (<usize>outC) << 2;
  const xiStep = (<usize>(chunkTiles * outC)) << 2;
  for (let c: usize = 0; c < pixel; c += 16) {
    const p = block + c;
    const g00 = v128.load(p);
    const g01 = right ? v128.load(p + pixel) : zero;
    const g10 = lower ? v128.load(p + rowBytes) : zero;
    const g11 = lower && right ? v128.load(p + rowBytes + pixel) : zero;
    // Rows of G·g: g0, (g0 + g1)/2, (g0 − g1)/2, −g1 (gi = row i of g).
    const o = at + c;
    gradientRow(o, 0, g00, g01, xiStep, half);
    gradientRow(
      o,
      4,
      f32x4.mul(f32x4.add(g00, g10), half),
      f32x4.mul(f32x4.add(g01, g11), half),
      xiStep,
      half,
    );
    gradientRow(
      o,
      8,
      f32x4.mul(f32x4.sub(g00, g10), half),
      f32x4.mul(f32x4.sub(g01, g11), half),
      xiStep,
      half,
    );
    gradientRow(o, 12, f32x4.neg(g10), f32x4.neg(g11), xiStep, half);
  }
}

/** One row of (G·g)·Gᵀ from a row (t0, t1) of G·g, stored at ξ = first..first + 3. */
function gradientRow(o: usize, first: i32, t0: v128, t1: v128, xiStep: usize, half: v128): void {
  const at = o + <usize>first * xiStep;
  v128.store(at, t0);
  v128.store(at + xiStep, f32x4.mul(f32x4.add(t0, t1), half));
  v128.store(at + 2 * xiStep, f32x4.mul(f32x4.sub(t0, t1), half));
  v128.store(at + 3 * xiStep, f32x4.neg(t1));
}

/**
 * M rows ci, ci + 1 (16 output channels) += Σ over the chunk's `count` tiles of V[t, ci..ci + 1]
 * · D[t, co..co + 15]; `v` is V[ξ, 0, ci], `d` D[ξ, 0, co], `m` M[ξ, ci, co].
 */
function sums2x16(v: usize, d: usize, m: usize, count: i32, inC: i32, outC: i32): void {
  const next = (<usize>outC) << 2;
  let s00 = v128.load(m);
  let s01 = v128.load(m, 16);
  let s02 = v128.load(m, 32);
  let s03 = v128.load(m, 48);
  let s10 = v128.load(m + next);
  let s11 = v128.load(m + next, 16);
  let s12 = v128.load(m + next, 32);
  let s13 = v128.load(m + next, 48);
  const vStep = (<usize>inC) << 2;
  let vp = v;
  let dp = d;
  const end = d + <usize>count * next;
  for (; dp < end; dp += next) {
    const d0 = v128.load(dp);
    const d1 = v128.load(dp, 16);
    const d2 = v128.load(dp, 32);
    const d3 = v128.load(dp, 48);
    const a0 = v128.load32_splat(vp);
    const a1 = v128.load32_splat(vp, 4);
    s00 = madd(a0, d0, s00);
    s01 = madd(a0, d1, s01);
    s02 = madd(a0, d2, s02);
    s03 = madd(a0, d3, s03);
    s10 = madd(a1, d0, s10);
    s11 = madd(a1, d1, s11);
    s12 = madd(a1, d2, s12);
    s13 = madd(a1, d3, s13);
    vp += vStep;
  }
  v128.store(m, s00);
  v128.store(m, s01, 16);
  v128.store(m, s02, 32);
  v128.store(m, s03, 48);
  v128.store(m + next, s10);
  v128.store(m + next, s11, 16);
  v128.store(m + next, s12, 32);
  v128.store(m + next, s13, 48);
}

/** sums2x16 for one vector of 4 output channels (the last of outC when not 16 wide). */
function sums2x4(v: usize, d: usize, m: usize, count: i32, inC: i32, outC: i32): void {
  const next = (<usize>outC) << 2;
  let s0 = v128.load(m);
  let s1 = v128.load(m + next);
  const vStep = (<usize>inC) << 2;
  let vp = v;
  let dp = d;
  const end = d + <usize>count * next;
  for (; dp < end; dp += next) {
    const y = v128.load(dp);
    s0 = madd(v128.load32_splat(vp), y, s0);
    s1 = madd(v128.load32_splat(vp, 4), y, s1);
    vp += vStep;
  }
  v128.store(m, s0);
  v128.store(m + next, s1);
}
