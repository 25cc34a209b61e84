// The gradient of the fused bias + ReLU.

import { sumRows } from './sum-rows';

/**
 * The gradient of relu(x + bias) from its output y: dx = dy where y > 0, NaN where y is NaN
 * (tfjs's step(NaN) is NaN), else 0, for n floats; then dBias[j] = Σ_r dx[r, j] as in sumRows.
 */
export function biasReluGrad(
  dy: usize,
  y: usize,
  dx: usize,
  scratch: usize,
  dBias: usize,
  rows: i32,
  channels: i32,
): void {
  const total = (<usize>rows * <usize>channels) << 2;
  const whole = total & ~15;
  const zero = f32x4.splat(0);
  const nan = f32x4.splat(NaN);
  for (let at: usize = 0; at < whole; at += 16) {
    const out = v128.load(y + at);
    const passed = v128.and(v128.load(dy + at), f32x4.gt(out, zero));
    v128.store(dx + at, v128.or(passed, v128.and(nan, f32x4.ne(out, out))));
  }
  for (let at = whole; at < total; at += 4) {
    const out = load<f32>(y + at);
    // Neither > 0 nor <= 0 only for NaN.
    store<f32>(dx + at, out > 0 ? load<f32>(dy + at) : out <= 0 ? 0 : NaN);
  }
  sumRows(dx, scratch, dBias, rows, channels);
}
