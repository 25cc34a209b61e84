// Conv2D forward pass, NHWC, any stride and dilation, on an input whose padding is explicit.
//
// Output pixels of one row are computed in tiles of P neighbouring pixels × V vectors of 4
// output channels, with the P·V sums in registers (9 or fewer) for the whole filter: each filter
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

function tile4x2(
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
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s02 = madd(a0, w2, s02);
        s03 = madd(a0, w3, s03);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s12 = madd(a1, w2, s12);
        s13 = madd(a1, w3, s13);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  storeLanes(outAt, s00, lanes);
  storeLanes(outAt + 16, s01, lanes - 4);
  storeLanes(outAt + 32, s02, lanes - 8);
  storeLanes(outAt + 48, s03, lanes - 12);
  storeLanes(outAt + outPixel, s10, lanes);
  storeLanes(outAt + outPixel + 16, s11, lanes - 4);
  storeLanes(outAt + outPixel + 32, s12, lanes - 8);
  storeLanes(outAt + outPixel + 48, s13, lanes - 12);
}

function tile3x3(
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
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s02 = madd(a0, w2, s02);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s12 = madd(a1, w2, s12);
        s20 = madd(a2, w0, s20);
        s21 = madd(a2, w1, s21);
        s22 = madd(a2, w2, s22);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  storeLanes(outAt, s00, lanes);
  storeLanes(outAt + 16, s01, lanes - 4);
  storeLanes(outAt + 32, s02, lanes - 8);
  storeLanes(outAt + outPixel, s10, lanes);
  storeLanes(outAt + outPixel + 16, s11, lanes - 4);
  storeLanes(outAt + outPixel + 32, s12, lanes - 8);
  storeLanes(outAt + 2 * outPixel, s20, lanes);
  storeLanes(outAt + 2 * outPixel + 16, s21, lanes - 4);
  storeLanes(outAt + 2 * outPixel + 32, s22, lanes - 8);
}

function tile2x4(
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
        s00 = madd(a0, w0, s00);
        s01 = madd(a0, w1, s01);
        s10 = madd(a1, w0, s10);
        s11 = madd(a1, w1, s11);
        s20 = madd(a2, w0, s20);
        s21 = madd(a2, w1, s21);
        s30 = madd(a3, w0, s30);
        s31 = madd(a3, w1, s31);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  storeLanes(outAt, s00, lanes);
  storeLanes(outAt + 16, s01, lanes - 4);
  storeLanes(outAt + outPixel, s10, lanes);
  storeLanes(outAt + outPixel + 16, s11, lanes - 4);
  storeLanes(outAt + 2 * outPixel, s20, lanes);
  storeLanes(outAt + 2 * outPixel + 16, s21, lanes - 4);
  storeLanes(outAt + 3 * outPixel, s30, lanes);
  storeLanes(outAt + 3 * outPixel + 16, s31, lanes - 4);
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
  let s00 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s30 = f32x4.splat(0);
  let s40 = f32x4.splat(0);
  let s50 = f32x4.splat(0);
  let s60 = f32x4.splat(0);
  let s70 = f32x4.splat(0);
  for (let fh = 0; fh < filterH; fh++) {
    let xs = xAt + <usize>fh * xTapRow;
    for (let s = 0; s < segments; s++) {
      const end = xs + runBytes;
      for (let xp = xs; xp < end; xp += 4) {
        const w0 = v128.load(wp);
        const a0 = v128.load32_splat(xp);
        const a1 = v128.load32_splat(xp + colStep);
        const a2 = v128.load32_splat(xp + 2 * colStep);
        const a3 = v128.load32_splat(xp + 3 * colStep);
        const a4 = v128.load32_splat(xp + 4 * colStep);
        const a5 = v128.load32_splat(xp + 5 * colStep);
        const a6 = v128.load32_splat(xp + 6 * colStep);
        const a7 = v128.load32_splat(xp + 7 * colStep);
        s00 = madd(a0, w0, s00);
        s10 = madd(a1, w0, s10);
        s20 = madd(a2, w0, s20);
        s30 = madd(a3, w0, s30);
        s40 = madd(a4, w0, s40);
        s50 = madd(a5, w0, s50);
        s60 = madd(a6, w0, s60);
        s70 = madd(a7, w0, s70);
        wp += wTapRow;
      }
      xs += xSegStep;
    }
  }
  storeLanes(outAt, s00, lanes);
  storeLanes(outAt + outPixel, s10, lanes);
  storeLanes(outAt + 2 * outPixel, s20, lanes);
  storeLanes(outAt + 3 * outPixel, s30, lanes);
  storeLanes(outAt + 4 * outPixel, s40, lanes);
  storeLanes(outAt + 5 * outPixel, s50, lanes);
  storeLanes(outAt + 6 * outPixel, s60, lanes);
  storeLanes(outAt + 7 * outPixel, s70, lanes);
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
 * outC) and out [batch, outH, outW, outC]. A part is one output row (b, oh), b·outH + oh:
 * parts [partFrom, partTo) of batch·outH are written.
 */
export function conv2dForward(
  x: usize,
  w: usize,
  out: usize,
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
  partFrom: i32,
  partTo: i32,
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
  // Tile shape by channel count: 4×2, 3×3, 2×4 or 1×8 (vectors × pixels). At most 8 or 9
  // sums, so that sums, weights and an input value fit x64's 16 vector registers (V8 keeps
  // one for itself); 12 sums measured 1.3–1.6× slower from spilling.
  const tileVectors = min(vectors, 4);
  const tilePixels = tileVectors === 4 ? 2 : tileVectors === 3 ? 3 : tileVectors === 2 ? 4 : 8;
  for (let part = partFrom; part < partTo; part++) {
    const b = part / outH;
    const oh = part % outH;
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
          tile4x2(
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
          tile3x3(
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
          tile2x4(
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
