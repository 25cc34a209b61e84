// Conv2D filter gradient, stride 1, from zero-padded planar inputs. Each output-channel pair
// and group of 5, 4 or 3 filter columns keeps its sums in registers (10, 8 or 6 vectors)
// while one pass over the data loads each dy vector once for all of them.

import { hsum, madd } from './simd-math';

/**
 * dW[fh, fw, ci, co] = Σ_b Σ_oh Σ_ow xp[b, ci, oh + fh·dh, ow + fw·dw] · dyp[b, co, oh, ow],
 * where xp is [batch, inC, xRows, xCols] (the input with its padding made explicit) and dyp is
 * [batch, outC, outH, dyCols] with dyCols a multiple of 4 and zeros past the real width, so
 * the sum over ow runs over whole vectors. xCols ≥ dyCols + (filterW − 1)·dw. A part is one
 * (ci, fh) pair and two output channels co, co + 1 (one when outC is odd and co is the last),
 * (ci·filterH + fh)·⌈outC / 2⌉ + co / 2, whose dW[fh, ·, ci, co..co + 1] it writes: parts
 * [partFrom, partTo) of inC·filterH·⌈outC / 2⌉ (a few input channels still give every thread
 * a part).
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
  partFrom: i32,
  partTo: i32,
): void {
  const xPlane = (<usize>xRows * <usize>xCols) << 2;
  const dyPlane = (<usize>outH * <usize>dyCols) << 2;
  const xRow = (<usize>xCols) << 2;
  const dyRow = (<usize>dyCols) << 2;
  const fwStep = (<usize>dilationW) << 2;
  const pairs = (outC + 1) >> 1;
  for (let part = partFrom; part < partTo; part++) {
    const tapRow = part / pairs;
    const ci = tapRow / filterH;
    const fh = tapRow % filterH;
    const co = (part % pairs) << 1;
    const xBase = xp + <usize>ci * xPlane + <usize>(fh * dilationH) * xRow;
    if (co + 1 < outC) {
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
    } else {
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
