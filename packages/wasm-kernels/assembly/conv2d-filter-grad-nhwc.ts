// Conv2D filter gradient, stride 1, NHWC, as a matrix product: for each filter tap,
// dW[tap] (inC × outC) = Σ over pixels k of x_tap[k, ·]ᵀ · dy[k, ·], where x_tap[k] is the input
// pixel the tap saw for output pixel k. Registers hold a tile of 2 input channels × 16 output
// channels (8 vectors); per pixel it loads 4 dy vectors and splats 2 input values.
//
// The pixels are taken in blocks of `blockRows` output rows, every part of the call working
// through one block before the next, so a block of dy (and the input rows under it) is read
// from memory once and then from cache by every tap and channel tile. Each tile adds a block's
// sums to what dW holds from the blocks before (the first block starts from zero), so every
// output is summed in the same order however the parts are divided among threads.

import { madd } from './simd-math';

/**
 * dW[fh, fw, ci, co] = Σ_b Σ_oh Σ_ow xp[b, oh + fh·dilationH, ow + fw·dilationW, ci]
 *   · dy[b, oh, ow, co],
 * where xp is [batch, xRows, xCols, inC] (the input with its padding made explicit) and dy is
 * [batch, outH, outW, outC] with outC a multiple of 4. A part is one filter tap and one pair of
 * input channels (the last input channel alone when inC is odd),
 * (fh·filterW + fw)·⌈inC / 2⌉ + ci / 2, whose dW[fh, fw, ci..ci + 1, ·] it writes: parts
 * [partFrom, partTo) of filterH·filterW·⌈inC / 2⌉. Output rows are summed in blocks of
 * `blockRows` (of batch·outH); the result depends on blockRows, never on the parts.
 */
export function conv2dFilterGradNhwc(
  xp: usize,
  dy: usize,
  dw: usize,
  batch: i32,
  inC: i32,
  outC: i32,
  xRows: i32,
  xCols: i32,
  outH: i32,
  outW: i32,
  filterW: i32,
  dilationH: i32,
  dilationW: i32,
  blockRows: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const pairs = (inC + 1) >> 1;
  const rows = batch * outH;
  const xPixel = (<usize>inC) << 2;
  const dyRow = (<usize>outW * <usize>outC) << 2;
  const coTiles = outC >> 4;
  const coRest = (outC & 15) >> 2;
  for (let rowFrom = 0; rowFrom < rows; rowFrom += blockRows) {
    const rowTo = min(rowFrom + blockRows, rows);
    const first = rowFrom === 0;
    for (let part = partFrom; part < partTo; part++) {
      const tap = part / pairs;
      const ci = (part % pairs) << 1;
      const fh = tap / filterW;
      const fw = tap % filterW;
      const xTap =
        xp +
        ((<usize>(fh * dilationH) * <usize>xCols + <usize>(fw * dilationW)) * <usize>inC +
          <usize>ci) *
          4;
      const out = dw + (((<usize>tap * <usize>inC + <usize>ci) * <usize>outC) << 2);
      const outNext = out + ((<usize>outC) << 2);
      const twoChannels = ci + 1 < inC;
      for (let t = 0; t < coTiles; t++) {
        const co = (<usize>t) << 6;
        if (twoChannels) {
          tile2x16(
            xTap,
            dy + co,
            out + co,
            outNext + co,
            first,
            rowFrom,
            rowTo,
            outH,
            xRows,
            xCols,
            xPixel,
            dyRow,
            outC,
          );
        } else {
          tile1x16(
            xTap,
            dy + co,
            out + co,
            first,
            rowFrom,
            rowTo,
            outH,
            xRows,
            xCols,
            xPixel,
            dyRow,
            outC,
          );
        }
      }
      for (let v = 0; v < coRest; v++) {
        const co = ((<usize>coTiles) << 6) + ((<usize>v) << 4);
        tile2x4(
          xTap,
          dy + co,
          out + co,
          outNext + co,
          twoChannels,
          first,
          rowFrom,
          rowTo,
          outH,
          xRows,
          xCols,
          xPixel,
          dyRow,
          outC,
        );
      }
    }
  }
}

/** The input address of output row `row` (of batch·outH) for a tap's top-left `xTap`. */
function xRowAt(xTap: usize, row: i32, outH: i32, xRows: i32, xCols: i32, xPixel: usize): usize {
  const b = row / outH;
  const oh = row - b * outH;
  return xTap + <usize>(b * xRows + oh) * <usize>xCols * xPixel;
}

/** dW rows out, outNext (16 output channels each) for input channels ci, ci + 1. */
function tile2x16(
  xTap: usize,
  dyAt: usize,
  out: usize,
  outNext: usize,
  first: bool,
  rowFrom: i32,
  rowTo: i32,
  outH: i32,
  xRows: i32,
  xCols: i32,
  xPixel: usize,
  dyRow: usize,
  outC: i32,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  if (!first) {
    s00 = v128.load(out);
    s01 = v128.load(out, 16);
    s02 = v128.load(out, 32);
    s03 = v128.load(out, 48);
    s10 = v128.load(outNext);
    s11 = v128.load(outNext, 16);
    s12 = v128.load(outNext, 32);
    s13 = v128.load(outNext, 48);
  }
  const dyPixel = (<usize>outC) << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    let xr = xRowAt(xTap, row, outH, xRows, xCols, xPixel);
    let yr = dyAt + <usize>row * dyRow;
    const end = yr + dyRow;
    for (; yr < end; yr += dyPixel) {
      const y0 = v128.load(yr);
      const y1 = v128.load(yr, 16);
      const y2 = v128.load(yr, 32);
      const y3 = v128.load(yr, 48);
      const a0 = v128.load32_splat(xr);
      const a1 = v128.load32_splat(xr, 4);
      s00 = madd(a0, y0, s00);
      s01 = madd(a0, y1, s01);
      s02 = madd(a0, y2, s02);
      s03 = madd(a0, y3, s03);
      s10 = madd(a1, y0, s10);
      s11 = madd(a1, y1, s11);
      s12 = madd(a1, y2, s12);
      s13 = madd(a1, y3, s13);
      xr += xPixel;
    }
  }
  v128.store(out, s00);
  v128.store(out, s01, 16);
  v128.store(out, s02, 32);
  v128.store(out, s03, 48);
  v128.store(outNext, s10);
  v128.store(outNext, s11, 16);
  v128.store(outNext, s12, 32);
  v128.store(outNext, s13, 48);
}

/** dW row out (16 output channels) for the last input channel when inC is odd. */
function tile1x16(
  xTap: usize,
  dyAt: usize,
  out: usize,
  first: bool,
  rowFrom: i32,
  rowTo: i32,
  outH: i32,
  xRows: i32,
  xCols: i32,
  xPixel: usize,
  dyRow: usize,
  outC: i32,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  if (!first) {
    s00 = v128.load(out);
    s01 = v128.load(out, 16);
    s02 = v128.load(out, 32);
    s03 = v128.load(out, 48);
  }
  const dyPixel = (<usize>outC) << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    let xr = xRowAt(xTap, row, outH, xRows, xCols, xPixel);
    let yr = dyAt + <usize>row * dyRow;
    const end = yr + dyRow;
    for (; yr < end; yr += dyPixel) {
      const a0 = v128.load32_splat(xr);
      s00 = madd(a0, v128.load(yr), s00);
      s01 = madd(a0, v128.load(yr, 16), s01);
      s02 = madd(a0, v128.load(yr, 32), s02);
      s03 = madd(a0, v128.load(yr, 48), s03);
      xr += xPixel;
    }
  }
  v128.store(out, s00);
  v128.store(out, s01, 16);
  v128.store(out, s02, 32);
  v128.store(out, s03, 48);
}

/**
 * dW rows out (and outNext when `two`) for one vector of 4 output channels: the channels past
 * the last whole tile of 16.
 */
function tile2x4(
  xTap: usize,
  dyAt: usize,
  out: usize,
  outNext: usize,
  two: bool,
  first: bool,
  rowFrom: i32,
  rowTo: i32,
  outH: i32,
  xRows: i32,
  xCols: i32,
  xPixel: usize,
  dyRow: usize,
  outC: i32,
): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  if (!first) {
    s0 = v128.load(out);
    if (two) s1 = v128.load(outNext);
  }
  const dyPixel = (<usize>outC) << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    let xr = xRowAt(xTap, row, outH, xRows, xCols, xPixel);
    let yr = dyAt + <usize>row * dyRow;
    const end = yr + dyRow;
    for (; yr < end; yr += dyPixel) {
      const y0 = v128.load(yr);
      s0 = madd(v128.load32_splat(xr), y0, s0);
      if (two) s1 = madd(v128.load32_splat(xr, 4), y0, s1);
      xr += xPixel;
    }
  }
  v128.store(out, s0);
  if (two) v128.store(outNext, s1);
}
