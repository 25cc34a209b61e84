// Conv2D forward pass, NHWC, any stride and dilation, on an input whose padding is explicit.
//
// Output pixels of one row are computed in tiles of P neighbouring pixels × V vectors of 4
// output channels, with the P·V sums in registers (12 or fewer) for the whole filter: each filter
// tap loads V weight vectors once for P pixels and each input value once (splat) for V vectors.
// Tiles at the end of a row or of the channels start earlier and overlap the previous tile
// instead of needing remainder code: overlapped outputs are computed twice, identically.

import { madd, storeLanes } from './simd-math';

// Each tile walks the filter taps in the weights' [filterH, filterW, inC] order. With dilation
// 1 along the width one filter row is a single run of filterW·inC consecutive input floats;
// otherwise each of its `segments` (filterW) runs has inC floats, `xSegStep` bytes apart.
// `wp` steps through the weight rows (outCp floats = `wTapRow` bytes each) in the same order.
// `colStep` is the input distance between neighbouring output pixels (stride × pixel bytes).
// `lanes` is the number of real output channels from the tile's first one on.

function tile4x3(
  xAt: usize,
  wp: usize,
  outAt: usize,
  filterH: i32,
  segments: i32,
  runBytes: usize,
  xTapRow: usize,
  xSegStep: usize,
  colStep: usize,
  wTapRow: usize,
  outPixel: usize,
  lanes: i32,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s21 = f32x4.splat(0);
  let s22 = f32x4.splat(0);
  let s23 = f32x4.splat(0);
  for (let fh = 0; fh < filterH; fh++) {
    let xs = xAt + <usize>fh * xTapRow;
    for (let s = 0; s < segments; s++) {
      const end = xs + runBytes;
      for (let xp = xs; xp < end; xp += 4) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        const w2 = v128.load(wp, 32);
        const w3 = v128.load(wp, 48);
        const a0 = v128.load32_splat(xp);
        const a1 = v128.load32_splat(xp + colStep);
        const a2 = v128.load32_splat(xp + 2 * colStep);
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s02 = madd(a0, w2, s02);
        s03 = madd(a0, w3, s03);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s12 = madd(a1, w2, s12);
        s13 = madd(a1, w3, s13);
        s20 = madd(a2, w0, s20);
        s21 = madd(a2, w1, s21);
        s22 = madd(a2, w2, s22);
        s23 = madd(a2, w3, s23);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  for (let p = 0; p < 3; p++) {
    const at = outAt + <usize>p * outPixel;
    const v0 = p === 0 ? s00 : p === 1 ? s10 : s20;
    const v1 = p === 0 ? s01 : p === 1 ? s11 : s21;
    const v2 = p === 0 ? s02 : p === 1 ? s12 : s22;
    const v3 = p === 0 ? s03 : p === 1 ? s13 : s23;
    storeLanes(at, v0, lanes);
    storeLanes(at + 16, v1, lanes - 4);
    storeLanes(at + 32, v2, lanes - 8);
    storeLanes(at + 48, v3, lanes - 12);
  }
}

function tile3x4(
  xAt: usize,
  wp: usize,
  outAt: usize,
  filterH: i32,
  segments: i32,
  runBytes: usize,
  xTapRow: usize,
  xSegStep: usize,
  colStep: usize,
  wTapRow: usize,
  outPixel: usize,
  lanes: i32,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s21 = f32x4.splat(0);
  let s22 = f32x4.splat(0);
  let s30 = f32x4.splat(0);
  let s31 = f32x4.splat(0);
  let s32 = f32x4.splat(0);
  for (let fh = 0; fh < filterH; fh++) {
    let xs = xAt + <usize>fh * xTapRow;
    for (let s = 0; s < segments; s++) {
      const end = xs + runBytes;
      for (let xp = xs; xp < end; xp += 4) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        const w2 = v128.load(wp, 32);
        const a0 = v128.load32_splat(xp);
        const a1 = v128.load32_splat(xp + colStep);
        const a2 = v128.load32_splat(xp + 2 * colStep);
        const a3 = v128.load32_splat(xp + 3 * colStep);
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s02 = madd(a0, w2, s02);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s12 = madd(a1, w2, s12);
        s20 = madd(a2, w0, s20);
        s21 = madd(a2, w1, s21);
        s22 = madd(a2, w2, s22);
        s30 = madd(a3, w0, s30);
        s31 = madd(a3, w1, s31);
        s32 = madd(a3, w2, s32);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  for (let p = 0; p < 4; p++) {
    const at = outAt + <usize>p * outPixel;
    const v0 = p === 0 ? s00 : p === 1 ? s10 : p === 2 ? s20 : s30;
    const v1 = p === 0 ? s01 : p === 1 ? s11 : p === 2 ? s21 : s31;
    const v2 = p === 0 ? s02 : p === 1 ? s12 : p === 2 ? s22 : s32;
    storeLanes(at, v0, lanes);
    storeLanes(at + 16, v1, lanes - 4);
    storeLanes(at + 32, v2, lanes - 8);
  }
}

function tile2x6(
  xAt: usize,
  wp: usize,
  outAt: usize,
  filterH: i32,
  segments: i32,
  runBytes: usize,
  xTapRow: usize,
  xSegStep: usize,
  colStep: usize,
  wTapRow: usize,
  outPixel: usize,
  lanes: i32,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0);
  let s31 = f32x4.splat(0);
  let s40 = f32x4.splat(0);
  let s41 = f32x4.splat(0);
  let s50 = f32x4.splat(0);
  let s51 = f32x4.splat(0);
  for (let fh = 0; fh < filterH; fh++) {
    let xs = xAt + <usize>fh * xTapRow;
    for (let s = 0; s < segments; s++) {
      const end = xs + runBytes;
      for (let xp = xs; xp < end; xp += 4) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        const a0 = v128.load32_splat(xp);
        const a1 = v128.load32_splat(xp + colStep);
        const a2 = v128.load32_splat(xp + 2 * colStep);
        const a3 = v128.load32_splat(xp + 3 * colStep);
        const a4 = v128.load32_splat(xp + 4 * colStep);
        const a5 = v128.load32_splat(xp + 5 * colStep);
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s20 = madd(a2, w0, s20);
        s21 = madd(a2, w1, s21);
        s30 = madd(a3, w0, s30);
        s31 = madd(a3, w1, s31);
        s40 = madd(a4, w0, s40);
        s41 = madd(a4, w1, s41);
        s50 = madd(a5, w0, s50);
        s51 = madd(a5, w1, s51);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  for (let p = 0; p < 6; p++) {
    const at = outAt + <usize>p * outPixel;
    const v0 = p === 0 ? s00 : p === 1 ? s10 : p === 2 ? s20 : p === 3 ? s30 : p === 4 ? s40 : s50;
    const v1 = p === 0 ? s01 : p === 1 ? s11 : p === 2 ? s21 : p === 3 ? s31 : p === 4 ? s41 : s51;
    storeLanes(at, v0, lanes);
    storeLanes(at + 16, v1, lanes - 4);
  }
}

function tile1x8(
  xAt: usize,
  wp: usize,
  outAt: usize,
  filterH: i32,
  segments: i32,
  runBytes: usize,
  xTapRow: usize,
  xSegStep: usize,
  colStep: usize,
  wTapRow: usize,
  outPixel: usize,
  lanes: i32,
): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0);
  let s5 = f32x4.splat(0);
  let s6 = f32x4.splat(0);
  let s7 = f32x4.splat(0);
  for (let fh = 0; fh < filterH; fh++) {
    let xs = xAt + <usize>fh * xTapRow;
    for (let s = 0; s < segments; s++) {
      const end = xs + runBytes;
      for (let xp = xs; xp < end; xp += 4) {
        const w0 = v128.load(wp);
        s0 = madd(v128.load32_splat(xp), w0, s0);
        s1 = madd(v128.load32_splat(xp + colStep), w0, s1);
        s2 = madd(v128.load32_splat(xp + 2 * colStep), w0, s2);
        s3 = madd(v128.load32_splat(xp + 3 * colStep), w0, s3);
        s4 = madd(v128.load32_splat(xp + 4 * colStep), w0, s4);
        s5 = madd(v128.load32_splat(xp + 5 * colStep), w0, s5);
        s6 = madd(v128.load32_splat(xp + 6 * colStep), w0, s6);
        s7 = madd(v128.load32_splat(xp + 7 * colStep), w0, s7);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  storeLanes(outAt, s0, lanes);
  storeLanes(outAt + outPixel, s1, lanes);
  storeLanes(outAt + 2 * outPixel, s2, lanes);
  storeLanes(outAt + 3 * outPixel, s3, lanes);
  storeLanes(outAt + 4 * outPixel, s4, lanes);
  storeLanes(outAt + 5 * outPixel, s5, lanes);
  storeLanes(outAt + 6 * outPixel, s6, lanes);
  storeLanes(outAt + 7 * outPixel, s7, lanes);
}

/**
 * One output pixel, `vectors` vectors of channels from the one `w` points at: the path for rows
 * narrower than a tile.
 */
function pixel(
  xAt: usize,
  w: usize,
  outAt: usize,
  vectors: i32,
  filterH: i32,
  segments: i32,
  runBytes: usize,
  xTapRow: usize,
  xSegStep: usize,
  wTapRow: usize,
  lanes: i32,
): void {
  for (let v = 0; v < vectors; v++) {
    let sum = f32x4.splat(0);
    let wp = w + ((<usize>v) << 4);
    for (let fh = 0; fh < filterH; fh++) {
      let xs = xAt + <usize>fh * xTapRow;
      for (let s = 0; s < segments; s++) {
        const end = xs + runBytes;
        for (let xp = xs; xp < end; xp += 4) {
          sum = madd(v128.load32_splat(xp), v128.load(wp), sum);
          wp += wTapRow;
        }
        xs += xSegStep;
      }
    }
    storeLanes(outAt + ((<usize>v) << 4), sum, lanes - 4 * v);
  }
}

/**
 * out[b, oh, ow, co] = Σ_fh Σ_fw Σ_ci
 *   x[b, oh·strideH + fh·dilationH, ow·strideW + fw·dilationW, ci] · w[fh, fw, ci, co]
 * for x [batch, xRows, xCols, inC] (padding already applied, large enough for every tap),
 * w [filterH, filterW, inC, outCp] with outCp = outC rounded up to a multiple of 4 (zeros past
 * outC) and out [batch, outH, outW, outC], written whole.
 */
export function conv2dForward(
  x: usize,
  w: usize,
  out: usize,
  batch: i32,
  xRows: i32,
  xCols: i32,
  inC: i32,
  outH: i32,
  outW: i32,
  outC: i32,
  filterH: i32,
  filterW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
): void {
  const vectors = (outC + 3) >> 2;
  const pixelBytes = (<usize>inC) << 2;
  const xRowBytes = <usize>xCols * pixelBytes;
  const xImage = <usize>xRows * xRowBytes;
  const segments = dilationW === 1 ? 1 : filterW;
  const runBytes = (dilationW === 1 ? <usize>filterW : 1) * pixelBytes;
  const xTapRow = <usize>dilationH * xRowBytes;
  const xSegStep = <usize>dilationW * pixelBytes;
  const colStep = <usize>strideW * pixelBytes;
  const wTapRow = (<usize>vectors) << 4;
  const outPixel = (<usize>outC) << 2;
  // Tile shape by channel count: 4×3, 3×4, 2×6 or 1×8 (vectors × pixels).
  const tileVectors = min(vectors, 4);
  const tilePixels = tileVectors === 4 ? 3 : tileVectors === 3 ? 4 : tileVectors === 2 ? 6 : 8;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const xRow = x + <usize>b * xImage + <usize>(oh * strideH) * xRowBytes;
      const outRow = out + <usize>(b * outH + oh) * <usize>outW * outPixel;
      if (outW < tilePixels) {
        for (let ow = 0; ow < outW; ow++) {
          pixel(
            xRow + <usize>ow * colStep,
            w,
            outRow + <usize>ow * outPixel,
            vectors,
            filterH,
            segments,
            runBytes,
            xTapRow,
            xSegStep,
            wTapRow,
            outC,
          );
        }
        continue;
      }
      for (let first = 0; ; first += tileVectors) {
        const v = min(first, vectors - tileVectors);
        const wp = w + ((<usize>v) << 4);
        const lanes = outC - 4 * v;
        for (let start = 0; ; start += tilePixels) {
          const ow = min(start, outW - tilePixels);
          const xAt = xRow + <usize>ow * colStep;
          const outAt = outRow + <usize>ow * outPixel + ((<usize>v) << 4);
          if (tileVectors === 4) {
            tile4x3(
              xAt,
              wp,
              outAt,
              filterH,
              segments,
              runBytes,
              xTapRow,
              xSegStep,
              colStep,
              wTapRow,
              outPixel,
              lanes,
            );
          } else if (tileVectors === 3) {
            tile3x4(
              xAt,
              wp,
              outAt,
              filterH,
              segments,
              runBytes,
              xTapRow,
              xSegStep,
              colStep,
              wTapRow,
              outPixel,
              lanes,
            );
          } else if (tileVectors === 2) {
            tile2x6(
              xAt,
              wp,
              outAt,
              filterH,
              segments,
              runBytes,
              xTapRow,
              xSegStep,
              colStep,
              wTapRow,
              outPixel,
              lanes,
            );
          } else {
            tile1x8(
              xAt,
              wp,
              outAt,
              filterH,
              segments,
              runBytes,
              xTapRow,
              xSegStep,
              colStep,
              wTapRow,
              outPixel,
              lanes,
            );
          }
          if (ow + tilePixels >= outW) break;
        }
        if (v + tileVectors >= vectors) break;
      }
    }
  }
}
