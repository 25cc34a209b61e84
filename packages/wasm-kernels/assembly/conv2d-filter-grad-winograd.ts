// The filter gradient of a 3×3, stride-1 convolution by Winograd's F(3×3, 4×4): for each 4×4
// block ("tile") of dy and the 6×6 input patch under it, the 3×3 filter gradient it contributes
// is Gᵀ·[(A·g·Aᵀ) ⊙ (Bᵀ·d·B)]·G, where g is the dy block, d the patch and Bᵀ, G, A the
// matrices of the forward's F(4×4, 3×3) (conv2d-winograd.ts): the filter gradient is the
// forward's transpose, so the dy block takes the output transform's place and the result the
// filter's. Summed over tiles, the element-wise products become, per position ξ of the 6×6
// transform, a matrix product over the tiles: M[ξ] (inC × outC) = V[ξ]ᵀ · D[ξ], 36
// multiply-adds per tile and channel pair where direct summation needs 144 (9 taps × 16 pixels).
//
// Each part sums its own range of tiles into its own M (in its scratch slot); a second kernel
// adds the parts' M in part order and applies the output transform, so the result depends on
// the number of parts (chosen from the problem size), never on the threads.

import { transformPatch } from './conv2d-winograd';
import { madd } from './simd-math';
import { pixelAt, tileImage, tileLeft, tileTop } from './winograd-tiles';

/**
 * Tiles per chunk: V and D of a chunk are 36·chunkTiles·(inC + outC) floats. Not a power of two,
 * so that the transforms' 36 stores per tile, chunkTiles·channels floats apart, do not share an
 * L1 set.
 */
const chunkTiles: i32 = 30;

/** Bytes of one part's scratch slot: its sums M_p, then a chunk's V and D, then a patch. */
function slotBytes(inC: i32, outC: i32): usize {
  return (
    (<usize>36 * <usize>inC * <usize>outC +
      <usize>(36 * chunkTiles) * <usize>(inC + outC) +
      <usize>36 * <usize>inC) <<
    2
  );
}

/**
 * Part p sums, over its tiles [p·tilesPerPart, (p + 1)·tilesPerPart) of dy's 4×4 blocks in
 * (b, tile row, tile column) order, M_p[ξ, ci, co] = Σ_t V[ξ, t, ci] · D[ξ, t, co] into its
 * scratch slot: M_p ([36, inC, outC]) first, then room for a chunk's V ([36, chunkTiles, inC])
 * and D ([36, chunkTiles, outC]) and one gathered input patch (36·inC). x is
 * [batch, inH, inW, inC], read as zero outside its pixels (the forward convolution's padding:
 * dy pixel (oh, ow) sees x from (oh − padTop, ow − padLeft)); dy is [batch, outH, outW, outC].
 * inC and outC multiples of 4. Parts [partFrom, partTo) of ⌈tiles / tilesPerPart⌉.
 */
export function winogradFilterGradParts(
  x: usize,
  dy: usize,
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
  const mFloats = <usize>36 * <usize>inC * <usize>outC;
  const vFloats = <usize>(36 * chunkTiles) * <usize>inC;
  const slot = slotBytes(inC, outC);
  for (let part = partFrom; part < partTo; part++) {
    const m = scratch + <usize>part * slot;
    const v = m + (mFloats << 2);
    const d = v + (vFloats << 2);
    const patchBuffer = d + ((<usize>(36 * chunkTiles) * <usize>outC) << 2);
    memory.fill(m, 0, mFloats << 2);
    const partEnd = min(tiles, (part + 1) * tilesPerPart);
    for (let first = part * tilesPerPart; first < partEnd; first += chunkTiles) {
      const count = min(chunkTiles, partEnd - first);
      for (let t = 0; t < count; t++) {
        const tile = first + t;
        const b = tileImage(tile, tilesH, tilesW);
        const oh = tileTop(tile, tilesH, tilesW, 4);
        const ow = tileLeft(tile, tilesW, 4);
        transformPatch(
          x,
          b,
          oh - padTop,
          ow - padLeft,
          inH,
          inW,
          inC,
          patchBuffer,
          v + ((<usize>t * <usize>inC) << 2),
          chunkTiles,
        );
        gradientTransform(
          pixelAt(dy, b, oh, ow, outH, outW, outC),
          d + ((<usize>t * <usize>outC) << 2),
          outC,
          (<usize>outW * <usize>outC) << 2,
          min(4, outH - oh),
          min(4, outW - ow),
        );
      }
      for (let xi = 0; xi < 36; xi++) {
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
 * dW[fh, fw, ci, co] = (Gᵀ·M·G)[fh, fw] with M = Σ_p M_p summed in part order (p = 0, 1, …,
 * parts − 1) into part 0's slot, from the scratch slots winogradFilterGradParts filled. A part
 * of this kernel is one input channel: parts [partFrom, partTo) of inC.
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
    const row = (<usize>ci * <usize>outC) << 2;
    for (let xi: usize = 0; xi < 36; xi++) {
      const at = scratch + xi * xiStep + row;
      for (let p = 1; p < parts; p++) {
        const from = at + <usize>p * slot;
        for (let co: usize = 0; co < (<usize>outC) << 2; co += 16) {
          v128.store(at + co, f32x4.add(v128.load(at + co), v128.load(from + co)));
        }
      }
    }
    for (let co: usize = 0; co < (<usize>outC) << 2; co += 16) {
      const q = scratch + row + co;
      // Gᵀ·M one column j at a time into M[6·i + j] (i < 3), then each of those rows times G
      // into the filter row's taps.
      for (let j: usize = 0; j < 6; j++) {
        const c = q + j * xiStep;
        filterGradientValues(
          c,
          6 * xiStep,
          v128.load(c),
          v128.load(c + 6 * xiStep),
          v128.load(c + 12 * xiStep),
          v128.load(c + 18 * xiStep),
          v128.load(c + 24 * xiStep),
          v128.load(c + 30 * xiStep),
        );
      }
      for (let i: usize = 0; i < 3; i++) {
        const r = q + 6 * i * xiStep;
        filterGradientValues(
          dw + row + co + 3 * i * tapStep,
          tapStep,
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
}

/** Gᵀ·(m0 … m5) for four lanes, stored at `at`, `at + step` and `at + 2·step`. */
function filterGradientValues(
  at: usize,
  step: usize,
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128,
): void {
  const sixth = f32x4.splat(1.0 / 6.0);
  const sum12 = f32x4.add(m1, m2);
  const sum34 = f32x4.add(m3, m4);
  // ¼·m0 − ⅙·(m1 + m2) + (1/24)·(m3 + m4); ⅙·(m2 − m1) + (1/12)·(m3 − m4);
  // ⅙·(m3 + m4 − m1 − m2) + m5.
  v128.store(
    at,
    madd(
      m0,
      f32x4.splat(0.25),
      madd(sum34, f32x4.splat(1.0 / 24.0), f32x4.mul(sum12, f32x4.splat(-1.0 / 6.0))),
    ),
  );
  v128.store(
    at + step,
    madd(f32x4.sub(m2, m1), sixth, f32x4.mul(f32x4.sub(m3, m4), f32x4.splat(1.0 / 12.0))),
  );
  v128.store(at + 2 * step, madd(f32x4.sub(sum34, sum12), sixth, m5));
}

/**
 * D[ξ, t, ·] = (A·g·Aᵀ)[ξ] for the 4×4 block g of dy at `block`, zero past dy's last `rows`
 * rows and `columns` columns (≤ 4 each), all outC channels four at a time; `at` is D[0, t, 0]
 * of a D laid out [36, chunkTiles, outC].
 */
function gradientTransform(
  block: usize,
  at: usize,
  outC: i32,
  rowBytes: usize,
  rows: i32,
  columns: i32,
): void {
  const zero = f32x4.splat(0);
  const pixel = (<usize>outC) << 2;
  const xiStep = (<usize>(chunkTiles * outC)) << 2;
  for (let c: usize = 0; c < pixel; c += 16) {
    const p = block + c;
    const o = at + c;
    // A·g one column j of g at a time into D[6·i + j] (j < 4), then each of the six rows times
    // Aᵀ in place.
    for (let j = 0; j < 4; j++) {
      const q = p + <usize>j * pixel;
      const inside = j < columns;
      gradientValues(
        o + <usize>j * xiStep,
        6 * xiStep,
        inside ? v128.load(q) : zero,
        inside && rows > 1 ? v128.load(q + rowBytes) : zero,
        inside && rows > 2 ? v128.load(q + 2 * rowBytes) : zero,
        inside && rows > 3 ? v128.load(q + 3 * rowBytes) : zero,
      );
    }
    for (let i: usize = 0; i < 6; i++) {
      const r = o + 6 * i * xiStep;
      gradientValues(
        r,
        xiStep,
        v128.load(r),
        v128.load(r + xiStep),
        v128.load(r + 2 * xiStep),
        v128.load(r + 3 * xiStep),
      );
    }
  }
}

/** A·(g0 … g3) for four lanes, stored at `at`, `at + step`, … `at + 5·step`. */
function gradientValues(at: usize, step: usize, g0: v128, g1: v128, g2: v128, g3: v128): void {
  const even = f32x4.add(g0, g2);
  const odd = f32x4.add(g1, g3);
  const four = f32x4.splat(4);
  const evenWide = madd(g2, four, g0); // g0 + 4·g2
  const oddWide = madd(g3, four, g1); // g1 + 4·g3
  const oddWide2 = f32x4.add(oddWide, oddWide);
  v128.store(at, g0);
  v128.store(at + step, f32x4.add(even, odd));
  v128.store(at + 2 * step, f32x4.sub(even, odd));
  v128.store(at + 3 * step, f32x4.add(evenWide, oddWide2));
  v128.store(at + 4 * step, f32x4.sub(evenWide, oddWide2));
  v128.store(at + 5 * step, g3);
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
