// Bias: the broadcast add of the forward pass (with an optional ReLU).

/**
 * out[r, j] = x[r, j] + bias[j] for a rows × channels matrix x, then max(·, 0) when `relu` is
 * not 0 (a NaN stays NaN, like tfjs's relu). Four rows are 4·channels floats, a whole number of
 * vectors, so the flat data is added to bias repeated four times (written to `scratch`,
 * 4·channels floats) vector by vector, whatever the channel count.
 */
export function addBias(
  x: usize,
  bias: usize,
  scratch: usize,
  out: usize,
  rows: i32,
  channels: i32,
  relu: i32,
): void {
  const row = (<usize>channels) << 2;
  for (let q: usize = 0; q < 4; q++) memory.copy(scratch + q * row, bias, row);
  const period = row << 2;
  const whole = <usize>(rows >> 2) * period;
  const zero = f32x4.splat(0);
  for (let start: usize = 0; start < whole; start += period) {
    for (let v: usize = 0; v < period; v += 16) {
      const sum = f32x4.add(v128.load(x + start + v), v128.load(scratch + v));
      v128.store(out + start + v, relu ? f32x4.max(sum, zero) : sum);
    }
  }
  const total = <usize>rows * row;
  for (let at = whole; at < total; at += 4) {
    const sum = load<f32>(x + at) + load<f32>(scratch + (at - whole));
    // Written out so NaN stays NaN (like f32x4.max above).
    store<f32>(out + at, relu && sum < 0 ? 0 : sum);
  }
}
