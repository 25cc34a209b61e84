// Bias gradient: the column sums of a rows × channels matrix.

/**
 * out[j] = Σ_r x[r, j] over a rows × channels matrix. As in addBias, four rows at a time are
 * whole vectors: they are summed into `scratch` (4·channels floats) in blocks of 64 rows, whose
 * partial sums keep rounding error low for long columns, then the four row slots are folded.
 */
export function sumRows(x: usize, scratch: usize, out: usize, rows: i32, channels: i32): void {
  const row = (<usize>channels) << 2;
  const period = row << 2;
  memory.fill(scratch, 0, period);
  memory.fill(out, 0, row);
  const whole = <usize>(rows >> 2) * period;
  const block = period << 4; // 64 rows
  for (let start: usize = 0; start < whole; start += block) {
    const end = min(start + block, whole);
    for (let v: usize = 0; v < period; v += 16) {
      let acc = f32x4.splat(0);
      for (let at = start + v; at < end; at += period) acc = f32x4.add(acc, v128.load(x + at));
      v128.store(scratch + v, f32x4.add(v128.load(scratch + v), acc));
    }
  }
  const total = <usize>rows * row;
  for (let at = whole; at < total; at += 4) {
    const j = (at - whole) % row;
    store<f32>(out + j, load<f32>(out + j) + load<f32>(x + at));
  }
  for (let q: usize = 0; q < 4; q++) {
    for (let j: usize = 0; j < row; j += 4) {
      store<f32>(out + j, load<f32>(out + j) + load<f32>(scratch + q * row + j));
    }
  }
}
