// 3×3 convolution, stride 1, NHWC, by Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016): each 4×4 block of outputs ("tile")
// is Aᵀ·[Σ_ci (G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where d is the 6×6 input patch under the tile and g a
// 3×3 filter. With the interpolation points 0, ±1, ±2 and ∞:
//   Bᵀ = [[4, 0, −5, 0, 1, 0], [0, −4, −4, 1, 1, 0], [0, 4, −4, −1, 1, 0],
//         [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]],
//   G  = [[¼, 0, 0], [−⅙, −⅙, −⅙], [−⅙, ⅙, −⅙], [1/24, 1/12, ⅙], [1/24, −1/12, ⅙], [0, 0, 1]],
//   Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1, 2, −2, 0], [0, 1, 1, 4, 4, 0], [0, 1, −1, 8, −8, 1]].
// The element-wise products of the 36 transformed values are, per position ξ of the 6×6
// transform, a matrix product over the input channels: M[ξ] (tiles × outC) = V[ξ] (tiles × inC)
// · U[ξ] (inC × outC). That is 36 multiply-adds per 16 outputs and channel pair where direct
// convolution needs 144: 4 times fewer (F(2×2, 3×3) saves 2.25 times), for the price of larger
// transform constants and so a few more roundings (measured in conv2d-winograd.test.ts).
//
// Tiles are taken in chunks: the input transform of a chunk (V, all 36 ξ) goes to the part's
// scratch, then for each block of 16 output channels the 36 products go to a small buffer (M)
// and the output transform writes the block's outputs. A part is a fixed range of tiles with
// its own scratch slot, so the results do not depend on how the parts are divided among threads.

import { madd } from './simd-math';
import { pixelAt, tileImage, tileLeft, tileTop } from './winograd-tiles';

/**
 * Tiles per chunk: V of a chunk is 36·chunkTiles·inC floats (276 KB at inC 128). Not a power of
 * two: the transforms write the 36 ξ of a tile chunkTiles·inC floats apart, and at 16 tiles
 * those addresses share an L1 set (1.3× slower at AirbenchNet's sizes).
 */
const chunkTiles: i32 = 15;

/**
 * U[ξ, ci, co] = (G·g·Gᵀ)[ξ] for the 3×3 filter g = w[·, ·, ci, co] (HWIO); ξ = 6·row + column
 * of the 6×6 result; outC a multiple of 4. U holds 36 blocks of inC·outC floats, one per ξ,
 * each cut by output channels into blocks of 16 (the last one 4, 8 or 12 wide), each of those
 * [inC, width]: the products read a block's rows one after the other. A part is one input
 * channel: parts [partFrom, partTo) of inC.
 */
export function winogradFilter(
  w: usize,
  u: usize,
  inC: i32,
  outC: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const tapStep = (<usize>inC * <usize>outC) << 2;
  const xiStep = tapStep;
  for (let ci = partFrom; ci < partTo; ci++) {
    const channel = (<usize>ci * <usize>outC) << 2;
    for (let co = 0; co < outC; co += 4) {
      const g = w + channel + ((<usize>co) << 2);
      const at = u + ((<usize>filterBlockOffset(co, ci, inC, outC)) << 2);
      // G·g one filter column j at a time into U[6·i + j] (i < 6, j < 3), then each of those
      // six rows times Gᵀ in place.
      for (let j: usize = 0; j < 3; j++) {
        filterValues(
          at + j * xiStep,
          6 * xiStep,
          v128.load(g + j * tapStep),
          v128.load(g + (3 + j) * tapStep),
          v128.load(g + (6 + j) * tapStep),
        );
      }
      for (let i: usize = 0; i < 6; i++) {
        const row = at + 6 * i * xiStep;
        filterValues(
          row,
          xiStep,
          v128.load(row),
          v128.load(row + xiStep),
          v128.load(row + 2 * xiStep),
        );
      }
    }
  }
}

/** Where U[ξ, ci, co] is in U[ξ] (floats): its block of 16 output channels, then its row. */
function filterBlockOffset(co: i32, ci: i32, inC: i32, outC: i32): i32 {
  const block = co & ~15;
  return block * inC + ci * min(16, outC - block) + (co - block);
}

/** G·(a, b, c) for four lanes, stored at `at`, `at + step`, … `at + 5·step`. */
function filterValues(at: usize, step: usize, a: v128, b: v128, c: v128): void {
  const minusSixth = f32x4.splat(-1.0 / 6.0);
  const outer = f32x4.add(a, c);
  const edges = madd(a, f32x4.splat(1.0 / 24.0), f32x4.mul(c, f32x4.splat(1.0 / 6.0)));
  const middle = f32x4.mul(b, f32x4.splat(1.0 / 12.0));
  v128.store(at, f32x4.mul(a, f32x4.splat(0.25)));
  v128.store(at + step, f32x4.mul(f32x4.add(outer, b), minusSixth));
  v128.store(at + 2 * step, f32x4.mul(f32x4.sub(outer, b), minusSixth));
  v128.store(at + 3 * step, f32x4.add(edges, middle));
  v128.store(at + 4 * step, f32x4.sub(edges, middle));
  v128.store(at + 5 * step, c);
}

/**
 * out[b, oh, ow, co] = Σ x[b, oh − padTop + fh, ow − padLeft + fw, ci] · w[fh, fw, ci, co] over
 * the 3×3 taps and inC (x read as zero outside its inH × inW pixels: the convolution's padding),
 * from U = winogradFilter(w). x is [batch, inH, inW, inC]; out is [batch, outH, outW, outC].
 * inC and outC multiples of 4. `scratch` holds (36·chunkTiles·inC + 36·chunkTiles·16 + 36·inC)
 * floats per part. A part is the range of `tilesPerPart` tiles (4×4 output blocks in
 * (b, tile row, tile column) order) starting at part·tilesPerPart: parts [partFrom, partTo) of
 * ⌈tiles / tilesPerPart⌉.
 */
export function conv2dWinograd(
  x: usize,
  u: usize,
  out: usize,
  scratch: usize,
  batch: i32,
  inC: i32,
  outC: i32,
  inH: i32,
  inW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  tilesPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const tilesH = (outH + 3) >> 2;
  const tilesW = (outW + 3) >> 2;
  const tiles = batch * tilesH * tilesW;
  const vFloats = <usize>(36 * chunkTiles) * <usize>inC;
  const mFloats = <usize>(36 * chunkTiles * 16);
  const slotBytes = (vFloats + mFloats + <usize>36 * <usize>inC) << 2;
  for (let part = partFrom; part < partTo; part++) {
    const v = scratch + <usize>part * slotBytes;
    const m = v + (vFloats << 2);
    const patchBuffer = m + (mFloats << 2);
    const partEnd = min(tiles, (part + 1) * tilesPerPart);
    for (let first = part * tilesPerPart; first < partEnd; first += chunkTiles) {
      const count = min(chunkTiles, partEnd - first);
      for (let t = 0; t < count; t++) {
        const tile = first + t;
        transformPatch(
          x,
          tileImage(tile, tilesH, tilesW),
          tileTop(tile, tilesH, tilesW, 4) - padTop,
          tileLeft(tile, tilesW, 4) - padLeft,
          inH,
          inW,
          inC,
          patchBuffer,
          v + ((<usize>t * <usize>inC) << 2),
          chunkTiles,
        );
      }
      for (let co = 0; co < outC; co += 16) {
        const width = min(16, outC - co);
        for (let xi = 0; xi < 36; xi++) {
          chunkProducts(
            v + ((<usize>(xi * chunkTiles) * <usize>inC) << 2),
            u + ((<usize>xi * <usize>inC * <usize>outC + <usize>co * <usize>inC) << 2),
            m + ((<usize>(xi * chunkTiles * 16)) << 2),
            count,
            width,
            inC,
          );
        }
        for (let t = 0; t < count; t++) {
          const tile = first + t;
          const oh = tileTop(tile, tilesH, tilesW, 4);
          const ow = tileLeft(tile, tilesW, 4);
          const at =
            pixelAt(out, tileImage(tile, tilesH, tilesW), oh, ow, outH, outW, outC) +
            ((<usize>co) << 2);
          outputTransform(
            m + ((<usize>(t * 16)) << 2),
            width,
            at,
            (<usize>outW * <usize>outC) << 2,
            (<usize>outC) << 2,
            min(4, outH - oh),
            min(4, outW - ow),
          );
        }
      }
    }
  }
}

/**
 * inputTransform of the 6×6 patch whose top-left pixel is (top, left) of image b of x
 * ([batch, rows, columns, inC]); top and left may be negative and the patch may pass the last
 * row or column: pixels outside x are the convolution's zero padding. A patch inside x is read
 * in place; one that crosses an edge is first copied into `patchBuffer` (36·inC floats) with
 * zeros around it, so that no padded copy of x is needed.
 */
export function transformPatch(
  x: usize,
  b: i32,
  top: i32,
  left: i32,
  rows: i32,
  columns: i32,
  inC: i32,
  patchBuffer: usize,
  at: usize,
  tiles: i32,
): void {
  if (top >= 0 && left >= 0 && top + 6 <= rows && left + 6 <= columns) {
    inputTransform(pixelAt(x, b, top, left, rows, columns, inC), at, inC, columns, tiles);
    return;
  }
  const pixel = (<usize>inC) << 2;
  memory.fill(patchBuffer, 0, 36 * pixel);
  const from = max(0, left);
  const to = min(columns, left + 6);
  for (let i = 0; i < 6 && to > from; i++) {
    const row = top + i;
    if (row < 0 || row >= rows) continue;
    memory.copy(
      patchBuffer + <usize>(i * 6 + from - left) * pixel,
      pixelAt(x, b, row, from, rows, columns, inC),
      <usize>(to - from) * pixel,
    );
  }
  inputTransform(patchBuffer, at, inC, 6, tiles);
}

/**
 * V[ξ, t, ·] = (Bᵀ·d·B)[ξ] for the 6×6 patch d at `patch` (NHWC rows of xCols pixels), all inC
 * channels four at a time. `at` is V[0, t, 0] of a chunk's V laid out [36, tiles, inC].
 */
function inputTransform(patch: usize, at: usize, inC: i32, xCols: i32, tiles: i32): void {
  const pixel = (<usize>inC) << 2;
  const row = <usize>xCols * pixel;
  const xiStep = (<usize>(tiles * inC)) << 2;
  for (let c: usize = 0; c < pixel; c += 16) {
    const p = patch + c;
    const o = at + c;
    // Bᵀ·d one column j of d at a time into V[6·i + j], then each of those six rows times B
    // in place.
    for (let j: usize = 0; j < 6; j++) {
      const q = p + j * pixel;
      inputValues(
        o + j * xiStep,
        6 * xiStep,
        v128.load(q),
        v128.load(q + row),
        v128.load(q + 2 * row),
        v128.load(q + 3 * row),
        v128.load(q + 4 * row),
        v128.load(q + 5 * row),
      );
    }
    for (let i: usize = 0; i < 6; i++) {
      const r = o + 6 * i * xiStep;
      inputValues(
        r,
        xiStep,
        v128.load(r),
        v128.load(r + xiStep),
        v128.load(r + 2 * xiStep),
        v128.load(r + 3 * xiStep),
        v128.load(r + 4 * xiStep),
        v128.load(r + 5 * xiStep),
      );
    }
  }
}

/** Bᵀ·(d0 … d5) for four lanes, stored at `at`, `at + step`, … `at + 5·step`. */
function inputValues(
  at: usize,
  step: usize,
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128,
): void {
  const four = f32x4.splat(4);
  const minusFour = f32x4.splat(-4);
  const a = madd(minusFour, d2, d4); // d4 − 4·d2
  const b = madd(minusFour, d1, d3); // d3 − 4·d1
  const e = f32x4.sub(d4, d2);
  const f = f32x4.add(f32x4.sub(d3, d1), f32x4.sub(d3, d1)); // 2·(d3 − d1)
  v128.store(at, madd(four, f32x4.sub(d0, d2), e)); // 4·d0 − 5·d2 + d4
  v128.store(at + step, f32x4.add(a, b));
  v128.store(at + 2 * step, f32x4.sub(a, b));
  v128.store(at + 3 * step, f32x4.add(e, f));
  v128.store(at + 4 * step, f32x4.sub(e, f));
  v128.store(at + 5 * step, madd(four, f32x4.sub(d1, d3), f32x4.sub(d5, d3))); // 4·d1 − 5·d3 + d5
}

/**
 * M[ξ, t, 0..width) = V[ξ, t, ·] · U[ξ, ·, co..co + width) for the chunk's `count` tiles and
 * one ξ, from U's block of those channels at `u`: two tiles × 16 channels at a time, four
 * tiles × 8 for an 8-channel rest, single vectors otherwise.
 * `m` is M[ξ, 0, 0] of a chunk's M laid out [36, chunkTiles, 16].
 */
function chunkProducts(v: usize, u: usize, m: usize, count: i32, width: i32, inC: i32): void {
  const tileBytes = (<usize>inC) << 2;
  if (width === 16) {
    let t = 0;
    for (; t + 1 < count; t += 2) {
      products2x16(v + <usize>t * tileBytes, u, m + ((<usize>(t * 16)) << 2), inC);
    }
    if (t < count) products1x16(v + <usize>t * tileBytes, u, m + ((<usize>(t * 16)) << 2), inC);
    return;
  }
  let t = 0;
  if (width === 8) {
    // AirbenchNet's input gradient into the whitening layer's 24 channels: 16 + 8.
    for (; t + 3 < count; t += 4) {
      products4x8(v + <usize>t * tileBytes, u, m + ((<usize>(t * 16)) << 2), inC);
    }
  }
  for (; t < count; t++) {
    for (let c = 0; c < width; c += 4) {
      products1x4(
        v + <usize>t * tileBytes,
        u + ((<usize>c) << 2),
        m + ((<usize>(t * 16 + c)) << 2),
        inC,
        width,
      );
    }
  }
}

/** M rows for tiles t, t + 1 and 16 output channels: Σ_k V[t, k] · U[k, co..co + 15]. */
function products2x16(v: usize, u: usize, m: usize, inC: i32): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  const next = (<usize>inC) << 2;
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
    up += 64;
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

/** M rows for tiles t … t + 3 and the 8 channels of an 8-wide U block. */
function products4x8(v: usize, u: usize, m: usize, inC: i32): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0);
  let s31 = f32x4.splat(0);
  const next = (<usize>inC) << 2;
  let up = u;
  const end = v + next;
  for (let vp = v; vp < end; vp += 4) {
    const u0 = v128.load(up);
    const u1 = v128.load(up, 16);
    const a0 = v128.load32_splat(vp);
    s00 = madd(a0, u0, s00);
    s01 = madd(a0, u1, s01);
    const a1 = v128.load32_splat(vp + next);
    s10 = madd(a1, u0, s10);
    s11 = madd(a1, u1, s11);
    const a2 = v128.load32_splat(vp + 2 * next);
    s20 = madd(a2, u0, s20);
    s21 = madd(a2, u1, s21);
    const a3 = v128.load32_splat(vp + 3 * next);
    s30 = madd(a3, u0, s30);
    s31 = madd(a3, u1, s31);
    up += 32;
  }
  v128.store(m, s00);
  v128.store(m, s01, 16);
  v128.store(m, s10, 64);
  v128.store(m, s11, 80);
  v128.store(m, s20, 128);
  v128.store(m, s21, 144);
  v128.store(m, s30, 192);
  v128.store(m, s31, 208);
}

/** The M row of one tile (the chunk's last when its count is odd). */
function products1x16(v: usize, u: usize, m: usize, inC: i32): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let up = u;
  const end = v + ((<usize>inC) << 2);
  for (let vp = v; vp < end; vp += 4) {
    const a = v128.load32_splat(vp);
    s0 = madd(a, v128.load(up), s0);
    s1 = madd(a, v128.load(up, 16), s1);
    s2 = madd(a, v128.load(up, 32), s2);
    s3 = madd(a, v128.load(up, 48), s3);
    up += 64;
  }
  v128.store(m, s0);
  v128.store(m, s1, 16);
  v128.store(m, s2, 32);
  v128.store(m, s3, 48);
}

/** One vector of 4 output channels of one tile's M row, from a U block `width` wide. */
function products1x4(v: usize, u: usize, m: usize, inC: i32, width: i32): void {
  let s = f32x4.splat(0);
  const uRow = (<usize>width) << 2;
  let up = u;
  const end = v + ((<usize>inC) << 2);
  for (let vp = v; vp < end; vp += 4) {
    s = madd(v128.load32_splat(vp), v128.load(up), s);
    up += uRow;
  }
  v128.store(m, s);
}

/**
 * The outputs Aᵀ·M·A of one tile for `width` (≤ 16) output channels from M[ξ] at
 * m + ξ·chunkTiles·16 floats (which it overwrites), storing only the `rows` × `columns` (≤ 4
 * each) that are inside the output.
 */
function outputTransform(
  m: usize,
  width: i32,
  at: usize,
  rowBytes: usize,
  pixelBytes: usize,
  rows: i32,
  columns: i32,
): void {
  const xiStep = (<usize>(chunkTiles * 16)) << 2;
  for (let c: usize = 0; c < (<usize>width) << 2; c += 16) {
    const p = m + c;
    // Aᵀ·M one column j at a time into M[6·i + j] (i < 4), then each of those rows times A.
    for (let j: usize = 0; j < 6; j++) {
      const q = p + j * xiStep;
      outputValues(
        q,
        6 * xiStep,
        4,
        v128.load(q),
        v128.load(q + 6 * xiStep),
        v128.load(q + 12 * xiStep),
        v128.load(q + 18 * xiStep),
        v128.load(q + 24 * xiStep),
        v128.load(q + 30 * xiStep),
      );
    }
    for (let i = 0; i < rows; i++) {
      const r = p + <usize>(6 * i) * xiStep;
      outputValues(
        at + c + <usize>i * rowBytes,
        pixelBytes,
        columns,
        v128.load(r),
        v128.load(r + xiStep),
        v128.load(r + 2 * xiStep),
        v128.load(r + 3 * xiStep),
        v128.load(r + 4 * xiStep),
        v128.load(r + 5 * xiStep),
      );
    }
  }
}

/** The first `count` (≤ 4) of Aᵀ·(m0 … m5) for four lanes, stored at `at`, `at + step`, …. */
function outputValues(
  at: usize,
  step: usize,
  count: i32,
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128,
): void {
  const sum12 = f32x4.add(m1, m2);
  const diff12 = f32x4.sub(m1, m2);
  const sum34 = f32x4.add(m3, m4);
  const diff34 = f32x4.sub(m3, m4);
  v128.store(at, f32x4.add(f32x4.add(m0, sum12), sum34));
  if (count > 1) v128.store(at + step, madd(f32x4.splat(2), diff34, diff12));
  if (count > 2) v128.store(at + 2 * step, madd(f32x4.splat(4), sum34, sum12));
  if (count > 3) v128.store(at + 3 * step, f32x4.add(madd(f32x4.splat(8), diff34, diff12), m5));
}
