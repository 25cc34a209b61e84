// GELU (the exact, erf form of torch.nn.GELU) and its gradient, four values at a time. Both
// need Φ(x), the standard normal distribution function, and the gradient also the density
// φ(x) = exp(−x²/2)/√(2π): one exp(−x²/2) serves both, since erfc's approximation below is a
// polynomial times exp(−z²) with z = |x|/√2.

import { loadLanes, madd, storeLanes } from './simd-math';

/** exp(v) for v ≤ 0, four lanes, within about 2 float32 ulps; 0 below −87.3 (and at −∞). */
function expNonPositive(v: v128): v128 {
  // v = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts, so n·ln2 is exact enough); exp(r) by
  // 1 + r + r²·p(r), p of degree 5 with Cephes expf's coefficients; 2^n built in the exponent.
  const x = f32x4.max(v, f32x4.splat(-87.3));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const floor = f32x4.splat(-87.3);
  return v128.andnot(f32x4.mul(p, scale), f32x4.lt(v, floor));
}

/**
 * Φ(x), given gauss = exp(−x²/2), from erfc(z) for z = |x|/√2 by Abramowitz & Stegun 7.1.26, t = 1/(1 + 0.3275911·z):
 * erfc(z) ≈ t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·exp(−z²), within 1.5e-7 (tfjs's cpu
 * `erf` uses the same formula). Φ(x) = 1 − erfc(z)/2 for x ≥ 0, erfc(z)/2 below, so the left
 * tail keeps its relative precision.
 */
function normalCdf(x: v128, gauss: v128): v128 {
  const z = f32x4.mul(f32x4.abs(x), f32x4.splat(<f32>Math.SQRT1_2));
  const t = f32x4.div(
    f32x4.splat(1),
    f32x4.add(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.3275911))),
  );
  let p = f32x4.splat(1.061405429);
  p = madd(p, t, f32x4.splat(-1.453152027));
  p = madd(p, t, f32x4.splat(1.421413741));
  p = madd(p, t, f32x4.splat(-0.284496736));
  p = madd(p, t, f32x4.splat(0.254829592));
  const halfErfc = f32x4.mul(f32x4.mul(f32x4.mul(p, t), gauss), f32x4.splat(0.5));
  return v128.bitselect(f32x4.sub(f32x4.splat(1), halfErfc), halfErfc, f32x4.ge(x, f32x4.splat(0)));
}

/** exp(−x²/2), four lanes. */
function gaussian(x: v128): v128 {
  return expNonPositive(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5)));
}

/**
 * y = x·Φ(x) for n floats. A part is four floats (the last part may have fewer): parts
 * [partFrom, partTo) of ⌈n / 4⌉ are written.
 */
export function gelu(x: usize, y: usize, n: i32, partFrom: i32, partTo: i32): void {
  const end = (<usize>n) << 2;
  const to = min((<usize>partTo) << 4, end);
  for (let at = (<usize>partFrom) << 4; at < to; at += 16) {
    const lanes = <i32>min(<usize>4, (end - at) >> 2);
    const v = loadLanes(x + at, lanes);
    storeLanes(y + at, f32x4.mul(v, normalCdf(v, gaussian(v))), lanes);
  }
}

/**
 * dx = dy·(Φ(x) + x·φ(x)) for n floats, φ(x) = exp(−x²/2)/√(2π). Parts as in gelu.
 */
export function geluGrad(dy: usize, x: usize, dx: usize, n: i32, partFrom: i32, partTo: i32): void {
  const end = (<usize>n) << 2;
  const to = min((<usize>partTo) << 4, end);
  const inverseSqrt2Pi = f32x4.splat(0.3989422804);
  for (let at = (<usize>partFrom) << 4; at < to; at += 16) {
    const lanes = <i32>min(<usize>4, (end - at) >> 2);
    const v = loadLanes(x + at, lanes);
    const g = gaussian(v);
    const slope = f32x4.add(normalCdf(v, g), f32x4.mul(v, f32x4.mul(g, inverseSqrt2Pi)));
    storeLanes(dx + at, f32x4.mul(loadLanes(dy + at, lanes), slope), lanes);
  }
}
