// 3×3 convolution, stride 1, NHWC, by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016): each 2×2 block of outputs ("tile")
// is Aᵀ·[Σ_ci (G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where d is the 4×4 input patch under the tile and g a
// 3×3 filter. The element-wise products of the 16 transformed values are, per position ξ of the
// 4×4 transform, a matrix product over the input channels: M[ξ] (tiles × outC) = V[ξ] (tiles ×
// inC) · U[ξ] (inC × outC). That is 16 multiply-adds per tile and channel pair where direct
// convolution needs 36: 2.25 times fewer.
//
// Tiles are taken in chunks: the input transform of a chunk (V, all 16 ξ) goes to the part's
// scratch, then for each block of 16 output channels the 16 products go to a small buffer (M)
// that stays in L1, and the output transform writes the block's outputs. A part is a fixed
// range of tiles with its own scratch slot, so the results do not depend on how the parts are
// divided among threads.

import { madd } from './simd-math';

/** Tiles per chunk: V of a chunk is 16·chunkTiles·inC floats (128 KB at inC 128). */
const chunkTiles: i32 = 16;

/**
 * U[ξ, ci, co] = (G·g·Gᵀ)[ξ] for the 3×3 filter g = w[·, ·, ci, co] (HWIO), with
 * G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]; ξ = 4·row + column of the 4×4 result.
 * U is [16, inC, outC]; outC a multiple of 4. A part is one input channel: parts
 * [partFrom, partTo) of inC.
 */
export function winogradFilter(
  w: usize,
  u: usize,
  inC: i32,
  outC: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const half = f32x4.splat(0.5);
  const tapStep = (<usize>inC * <usize>outC) << 2;
  const xiStep = tapStep;
  for (let ci = partFrom; ci < partTo; ci++) {
    const channel = (<usize>ci * <usize>outC) << 2;
    for (let co: usize = 0; co < (<usize>outC) << 2; co += 16) {
      const g = w + channel + co;
      const g00 = v128.load(g);
      const g01 = v128.load(g + tapStep);
      const g02 = v128.load(g + 2 * tapStep);
      const g10 = v128.load(g + 3 * tapStep);
      const g11 = v128.load(g + 4 * tapStep);
      const g12 = v128.load(g + 5 * tapStep);
      const g20 = v128.load(g + 6 * tapStep);
      const g21 = v128.load(g + 7 * tapStep);
      const g22 = v128.load(g + 8 * tapStep);
      // t = G·g (4×3), one column at a time.
      const t00 = g00;
      const t01 = g01;
      const t02 = g02;
      const t10 = f32x4.mul(f32x4.add(f32x4.add(g00, g10), g20), half);
      const t11 = f32x4.mul(f32x4.add(f32x4.add(g01, g11), g21), half);
      const t12 = f32x4.mul(f32x4.add(f32x4.add(g02, g12), g22), half);
      const t20 = f32x4.mul(f32x4.add(f32x4.sub(g00, g10), g20), half);
      const t21 = f32x4.mul(f32x4.add(f32x4.sub(g01, g11), g21), half);
      const t22 = f32x4.mul(f32x4.add(f32x4.sub(g02, g12), g22), half);
      const t30 = g20;
      const t31 = g21;
      const t32 = g22;
      const out = u + channel + co;
      filterRow(out, 0, t00, t01, t02, xiStep, half);
      filterRow(out, 4, t10, t11, t12, xiStep, half);
      filterRow(out, 8, t20, t21, t22, xiStep, half);
      filterRow(out, 12, t30, t31, t32, xiStep, half);
    }
  }
}

/** Row `first / 4` of U = t·Gᵀ for one row (t0, t1, t2) of t, stored at ξ = first..first + 3. */
function filterRow(
  out: usize,
  first: i32,
  t0: v128,
  t1: v128,
  t2: v128,
  xiStep: usize,
  half: v128,
): void {
  const at = out + <usize>first * xiStep;
  v128.store(at, t0);
  v128.store(at + xiStep, f32x4.mul(f32x4.add(f32x4.add(t0, t1), t2), half));
  v128.store(at + 2 * xiStep, f32x4.mul(f32x4.add(f32x4.sub(t0, t1), t2), half));
  v128.store(at + 3 * xiStep, t2);
}

/**
 * out[b, oh, ow, co] = Σ xp[b, oh + fh, ow + fw, ci] · w[fh, fw, ci, co] over the 3×3 taps and
 * inC, from U = winogradFilter(w). xp is [batch, xRows, xCols, inC] with the convolution's
 * padding made explicit and at least 2·⌈outH / 2⌉ + 2 rows and 2·⌈outW / 2⌉ + 2 columns (whole
 * tiles); out is [batch, outH, outW, outC]. inC and outC multiples of 4. `scratch` holds
 * (16·chunkTiles·inC + 16·chunkTiles·16) floats per part. A part is the range of
 * `tilesPerPart` tiles (2×2 output blocks in (b, tile row, tile column) order) starting at
 * part·tilesPerPart: parts [partFrom, partTo) of ⌈tiles / tilesPerPart⌉.
 */
export function conv2dWinograd(
  xp: usize,
  u: usize,
  out: usize,
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
  const vFloats = <usize>(16 * chunkTiles) * <usize>inC;
  const slotBytes = (vFloats + <usize>(16 * chunkTiles * 16)) << 2;
  for (let part = partFrom; part < partTo; part++) {
    const v = scratch + <usize>part * slotBytes;
    const m = v + (vFloats << 2);
    const partEnd = min(tiles, (part + 1) * tilesPerPart);
    for (let first = part * tilesPerPart; first < partEnd; first += chunkTiles) {
      const count = min(chunkTiles, partEnd - first);
      for (let t = 0; t < count; t++) {
        const tile = first + t;
        const b = tileImage(tile, tilesH, tilesW);
        const patch = pixelAt(
          xp,
          b,
          tileTop(tile, tilesH, tilesW),
          tileLeft(tile, tilesW),
          xRows,
          xCols,
          inC,
        );
        inputTransform(patch, v + ((<usize>t * <usize>inC) << 2), inC, xCols, chunkTiles);
      }
      for (let co = 0; co < outC; co += 16) {
        const width = min(16, outC - co);
        for (let xi = 0; xi < 16; xi++) {
          const vXi = v + ((<usize>(xi * chunkTiles) * <usize>inC) << 2);
          const uXi = u + ((<usize>xi * <usize>inC * <usize>outC + <usize>co) << 2);
          const mXi = m + ((<usize>(xi * chunkTiles * 16)) << 2);
          if (width === 16) {
            let t = 0;
            for (; t + 1 < count; t += 2) {
              products2x16(
                vXi + ((<usize>t * <usize>inC) << 2),
                uXi,
                mXi + ((<usize>(t * 16)) << 2),
                inC,
                outC,
              );
            }
            if (t < count) {
              products1x16(
                vXi + ((<usize>t * <usize>inC) << 2),
                uXi,
                mXi + ((<usize>(t * 16)) << 2),
                inC,
                outC,
              );
            }
          } else {
            // The last 4, 8 or 12 output channels, one vector at a time.
            for (let t = 0; t < count; t++) {
              for (let c = 0; c < width; c += 4) {
                products1x4(
                  vXi + ((<usize>t * <usize>inC) << 2),
                  uXi + ((<usize>c) << 2),
                  mXi + ((<usize>(t * 16 + c)) << 2),
                  inC,
                  outC,
                );
              }
            }
          }
        }
        for (let t = 0; t < count; t++) {
          const tile = first + t;
          const oh = tileTop(tile, tilesH, tilesW);
          const ow = tileLeft(tile, tilesW);
          const at =
            pixelAt(out, tileImage(tile, tilesH, tilesW), oh, ow, outH, outW, outC) +
            ((<usize>co) << 2);
          outputTransform(
            m + ((<usize>(t * 16)) << 2),
            width,
            at,
            (<usize>outW * <usize>outC) << 2,
            (<usize>outC) << 2,
            oh + 1 < outH,
            ow + 1 < outW,
          );
        }
      }
    }
  }
}

/** The image of a tile (tiles are numbered in (image, tile row, tile column) order). */
export function tileImage(tile: i32, tilesH: i32, tilesW: i32): i32 {
  return tile / (tilesH * tilesW);
}

/** The top row of a tile's 2×2 outputs in its image (that of its 4×4 patch in the padded input). */
export function tileTop(tile: i32, tilesH: i32, tilesW: i32): i32 {
  return ((tile % (tilesH * tilesW)) / tilesW) << 1;
}

/** The left column of a tile's 2×2 outputs (and of its 4×4 patch in the padded input). */
export function tileLeft(tile: i32, tilesW: i32): i32 {
  return (tile % tilesW) << 1;
}

/** The address of pixel (b, row, column) of an NHWC float32 buffer of rows × columns pixels. */
export function pixelAt(
  base: usize,
  b: i32,
  row: i32,
  column: i32,
  rows: i32,
  columns: i32,
  channels: i32,
): usize {
  return (
    base + (((<usize>(b * rows + row) * <usize>columns + <usize>column) * <usize>channels) << 2)
  );
}

/**
 * V[ξ, t, ·] = (Bᵀ·d·B)[ξ] for the 4×4 patch d at `patch` (NHWC rows of xCols pixels), all inC
 * channels four at a time, with Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
 * `at` is V[0, t, 0] of a V laid out [16, tiles, inC].
 */
export function inputTransform(patch: usize, at: usize, inC: i32, xCols: i32, tiles: i32): void {
  const pixel = (<usize>inC) << 2;
  const row = <usize>xCols * pixel;
  const xiStep = (<usize>(tiles * inC)) << 2;
  for (let c: usize = 0; c < pixel; c += 16) {
    const p = patch + c;
    // Columns j of Bᵀ·d: r0 = d0 − d2, r1 = d1 + d2, r2 = d2 − d1, r3 = d1 − d3 (rows of d).
    const d00 = v128.load(p);
    const d01 = v128.load(p + pixel);
    const d02 = v128.load(p + 2 * pixel);
    const d03 = v128.load(p + 3 * pixel);
    const d10 = v128.load(p + row);
    const d11 = v128.load(p + row + pixel);
    const d12 = v128.load(p + row + 2 * pixel);
    const d13 = v128.load(p + row + 3 * pixel);
    const d20 = v128.load(p + 2 * row);
    const d21 = v128.load(p + 2 * row + pixel);
    const d22 = v128.load(p + 2 * row + 2 * pixel);
    const d23 = v128.load(p + 2 * row + 3 * pixel);
    const d30 = v128.load(p + 3 * row);
    const d31 = v128.load(p + 3 * row + pixel);
    const d32 = v128.load(p + 3 * row + 2 * pixel);
    const d33 = v128.load(p + 3 * row + 3 * pixel);
    const o = at + c;
    inputRow(
      o,
      0,
      f32x4.sub(d00, d20),
      f32x4.sub(d01, d21),
      f32x4.sub(d02, d22),
      f32x4.sub(d03, d23),
      xiStep,
    );
    inputRow(
      o,
      4,
      f32x4.add(d10, d20),
      f32x4.add(d11, d21),
      f32x4.add(d12, d22),
      f32x4.add(d13, d23),
      xiStep,
    );
    inputRow(
      o,
      8,
      f32x4.sub(d20, d10),
      f32x4.sub(d21, d11),
      f32x4.sub(d22, d12),
      f32x4.sub(d23, d13),
      xiStep,
    );
    inputRow(
      o,
      12,
      f32x4.sub(d10, d30),
      f32x4.sub(d11, d31),
      f32x4.sub(d12, d32),
      f32x4.sub(d13, d33),
      xiStep,
    );
  }
}

/** One row of (Bᵀ·d)·B from a row (r0..r3) of Bᵀ·d, stored at ξ = first..first + 3. */
function inputRow(
  o: usize,
  first: i32,
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
  xiStep: usize,
): void {
  const at = o + <usize>first * xiStep;
  v128.store(at, f32x4.sub(r0, r2));
  v128.store(at + xiStep, f32x4.add(r1, r2));
  v128.store(at + 2 * xiStep, f32x4.sub(r2, r1));
  v128.store(at + 3 * xiStep, f32x4.sub(r1, r3));
}

/** M rows for tiles t, t + 1 and 16 output channels: Σ_k V[t, k] · U[k, co..co + 15]. */
function products2x16(v: usize, u: usize, m: usize, inC: i32, outC: i32): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  const next = (<usize>inC) << 2;
  const uRow = (<usize>outC) << 2;
  let up = u;
  const end = v + next;
  for (let vp = v; vp < end; vp += 4) {
    const u0 = v128.load(up);
    const u1 = v128.load(up, 16);
    const u2 = v128.load(up, 32);
    const u3 = v128.load(up, 48);
    const a0 = v128.load32_splat(vp);
    const a1 = v128.load32_splat(vp + next);
    s00 = madd(a0, u0, s00);
    s01 = madd(a0, u1, s01);
    s02 = madd(a0, u2, s02);
    s03 = madd(a0, u3, s03);
    s10 = madd(a1, u0, s10);
    s11 = madd(a1, u1, s11);
    s12 = madd(a1, u2, s12);
    s13 = madd(a1, u3, s13);
    up += uRow;
  }
  v128.store(m, s00);
  v128.store(m, s01, 16);
  v128.store(m, s02, 32);
  v128.store(m, s03, 48);
  v128.store(m, s10, 64);
  v128.store(m, s11, 80);
  v128.store(m, s12, 96);
  v128.store(m, s13, 112);
}

/** The M row of one tile (the chunk's last when its count is odd). */
function products1x16(v: usize, u: usize, m: usize, inC: i32, outC: i32): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const uRow = (<usize>outC) << 2;
  let up = u;
  const end = v + ((<usize>inC) << 2);
  for (let vp = v; vp < end; vp += 4) {
    const a = v128.load32_splat(vp);
    s0 = madd(a, v128.load(up), s0);
    s1 = madd(a, v128.load(up, 16), s1);
    s2 = madd(a, v128.load(up, 32), s2);
    s3 = madd(a, v128.load(up, 48), s3);
    up += uRow;
  }
  v128.store(m, s0);
  v128.store(m, s1, 16);
  v128.store(m, s2, 32);
  v128.store(m, s3, 48);
}

/** One vector of 4 output channels of one tile's M row. */
function products1x4(v: usize, u: usize, m: usize, inC: i32, outC: i32): void {
  let s = f32x4.splat(0);
  const uRow = (<usize>outC) << 2;
  let up = u;
  const end = v + ((<usize>inC) << 2);
  for (let vp = v; vp < end; vp += 4) {
    s = madd(v128.load32_splat(vp), v128.load(up), s);
    up += uRow;
  }
  v128.store(m, s);
}

/**
 * The 2×2 outputs Aᵀ·M·A of one tile for `width` (≤ 16) output channels, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]],
 * from M[ξ] at m + ξ·chunkTiles·16 floats. Stores the bottom row and right column only where
 * they are inside the output (`lower`, `right`).
 */
function outputTransform(
  m: usize,
  width: i32,
  at: usize,
  rowBytes: usize,
  pixelBytes: usize,
  lower: bool,
  right: bool,
): void {
  const xiStep = (<usize>(chunkTiles * 16)) << 2;
  for (let c: usize = 0; c < (<usize>width) << 2; c += 16) {
    const p = m + c;
    // s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 over the rows of M, per column j.
    const m0 = v128.load(p);
    const m1 = v128.load(p + xiStep);
    const m2 = v128.load(p + 2 * xiStep);
    const m3 = v128.load(p + 3 * xiStep);
    const m4 = v128.load(p + 4 * xiStep);
    const m5 = v128.load(p + 5 * xiStep);
    const m6 = v128.load(p + 6 * xiStep);
    const m7 = v128.load(p + 7 * xiStep);
    const m8 = v128.load(p + 8 * xiStep);
    const m9 = v128.load(p + 9 * xiStep);
    const m10 = v128.load(p + 10 * xiStep);
    const m11 = v128.load(p + 11 * xiStep);
    const m12 = v128.load(p + 12 * xiStep);
    const m13 = v128.load(p + 13 * xiStep);
    const m14 = v128.load(p + 14 * xiStep);
    const m15 = v128.load(p + 15 * xiStep);
    const s00 = f32x4.add(f32x4.add(m0, m4), m8);
    const s01 = f32x4.add(f32x4.add(m1, m5), m9);
    const s02 = f32x4.add(f32x4.add(m2, m6), m10);
    const s03 = f32x4.add(f32x4.add(m3, m7), m11);
    const o = at + c;
    v128.store(o, f32x4.add(f32x4.add(s00, s01), s02));
    if (right) v128.store(o + pixelBytes, f32x4.sub(f32x4.sub(s01, s02), s03));
    if (lower) {
      const s10 = f32x4.sub(f32x4.sub(m4, m8), m12);
      const s11 = f32x4.sub(f32x4.sub(m5, m9), m13);
      const s12 = f32x4.sub(f32x4.sub(m6, m10), m14);
      const s13 = f32x4.sub(f32x4.sub(m7, m11), m15);
      v128.store(o + rowBytes, f32x4.add(f32x4.add(s10, s11), s12));
      if (right) v128.store(o + rowBytes + pixelBytes, f32x4.sub(f32x4.sub(s11, s12), s13));
    }
  }
}
