// Small SIMD helpers shared by the kernels (small enough for the optimizer to inline them).

/**
 * acc + a·b, four lanes. In the module's relaxed-SIMD build this is one fused multiply-add
 * (f32x4.relaxed_madd: twice the throughput of a multiply and an add on x64 with FMA, rounding
 * once instead of twice); in the plain build it is the multiply and the add.
 */
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** The sum of the four lanes of `v`. */
export function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) +
    f32x4.extract_lane(v, 3)
  );
}

/** The four floats at `at`, or the first `n` of them and zeros (n < 4): storeLanes' twin. */
export function loadLanes(at: usize, n: i32): v128 {
  if (n >= 4) return v128.load(at);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** Stores the first `n` lanes of `v` at `at` (all four when n ≥ 4). */
export function storeLanes(at: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}
