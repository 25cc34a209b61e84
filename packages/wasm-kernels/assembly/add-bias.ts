// Bias: the broadcast add of the forward pass (with an optional ReLU).

/**
 * out[r, j] = x[r, j] + bias[j] for a rows × channels matrix x, then max(·, 0) when `relu` is
 * not 0 (a NaN stays NaN, like tfjs's relu). Four rows are 4·channels floats, a whole number of
 * vectors, so the flat data of four rows is added to `bias4`, the bias repeated four times
 * (4·channels floats, written by the caller), vector by vector, whatever the channel count. A
 * part is four rows (the last part may have fewer): parts [partFrom, partTo) of ⌈rows / 4⌉ are
 * written.
 */
export function addBias(
  x: usize,
  bias4: usize,
  out: usize,
  rows: i32,
  channels: i32,
  relu: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const period = row << 2;
  const whole = rows >> 2;
  const zero = f32x4.splat(0);
  const vectorTo = min(partTo, whole);
  for (let start = <usize>partFrom * period; start < <usize>vectorTo * period; start += period) {
    for (let v: usize = 0; v < period; v += 16) {
      const sum = f32x4.add(v128.load(x + start + v), v128.load(bias4 + v));
      v128.store(out + start + v, relu ? f32x4.max(sum, zero) : sum);
    }
  }
  if (partTo <= whole) return;
  // The last part: the rows past the last whole four.
  const tail = <usize>whole * period;
  const total = <usize>rows * row;
  for (let at = tail; at < total; at += 4) {
    const sum = load<f32>(x + at) + load<f32>(bias4 + (at - tail));
    // Written out so NaN stays NaN (like f32x4.max above).
    store<f32>(out + at, relu && sum < 0 ? 0 : sum);
  }
}
