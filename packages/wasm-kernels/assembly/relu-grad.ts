// The ReLU part of the fused bias + ReLU's gradient (the bias part is sumRows of its output).

/**
 * The gradient of relu(x + bias) from its output y: dx = dy where y > 0, NaN where y is NaN
 * (tfjs's step(NaN) is NaN), else 0, for n floats. A part is four floats (the last part may have
 * fewer): parts [partFrom, partTo) of ⌈n / 4⌉ are written.
 */
export function reluGrad(dy: usize, y: usize, dx: usize, n: i32, partFrom: i32, partTo: i32): void {
  const from = (<usize>partFrom) << 4;
  const to = min((<usize>partTo) << 4, (<usize>n) << 2);
  const whole = max(from, to & ~15);
  const zero = f32x4.splat(0);
  const nan = f32x4.splat(NaN);
  for (let at = from; at < whole; at += 16) {
    const out = v128.load(y + at);
    const passed = v128.and(v128.load(dy + at), f32x4.gt(out, zero));
    v128.store(dx + at, v128.or(passed, v128.and(nan, f32x4.ne(out, out))));
  }
  for (let at = whole; at < to; at += 4) {
    const out = load<f32>(y + at);
    // Neither > 0 nor <= 0 only for NaN.
    store<f32>(dx + at, out > 0 ? load<f32>(dy + at) : out <= 0 ? 0 : NaN);
  }
}
