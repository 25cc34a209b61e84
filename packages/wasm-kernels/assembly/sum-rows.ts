// Bias gradient: the column sums of a rows × channels matrix.

/**
 * out[j] = Σ_r x[r, j] over a rows × channels matrix. As in addBias, four rows at a time are
 * whole vectors: the float at (row slot q = r mod 4, column j) of each group of four rows is
 * summed into scratch[q, j] (`scratch` holds 4·channels floats) in blocks of 64 rows, whose
 * partial sums keep rounding error low for long columns; out[j] is the rows past the last whole
 * four, then scratch[0..3, j] added in order. Every column's sum runs in this order whoever
 * computes it. A part is four columns (the last part may have fewer): parts [partFrom, partTo)
 * of ⌈channels / 4⌉ are written.
 */
export function sumRows(
  x: usize,
  scratch: usize,
  out: usize,
  rows: i32,
  channels: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const period = row << 2;
  const whole = <usize>(rows >> 2) * period;
  const block = period << 4; // 64 rows
  const total = <usize>rows * row;
  for (let part = partFrom; part < partTo; part++) {
    const first = (<usize>part) << 4;
    const width = min<usize>(16, row - first);
    for (let q: usize = 0; q < 4; q++) memory.fill(scratch + q * row + first, 0, width);
    memory.fill(out + first, 0, width);
    for (let start: usize = 0; start < whole; start += block) {
      const end = min(start + block, whole);
      for (let q: usize = 0; q < 4; q++) {
        const lane = q * row + first;
        if (width === 16) {
          let acc = f32x4.splat(0);
          for (let at = start + lane; at < end; at += period)
            acc = f32x4.add(acc, v128.load(x + at));
          v128.store(scratch + lane, f32x4.add(v128.load(scratch + lane), acc));
          continue;
        }
        for (let j: usize = 0; j < width; j += 4) {
          let acc: f32 = 0;
          for (let at = start + lane + j; at < end; at += period) acc += load<f32>(x + at);
          store<f32>(scratch + lane + j, load<f32>(scratch + lane + j) + acc);
        }
      }
    }
    for (let j: usize = 0; j < width; j += 4) {
      let sum = load<f32>(out + first + j);
      for (let at = whole + first + j; at < total; at += row) sum += load<f32>(x + at);
      for (let q: usize = 0; q < 4; q++) sum += load<f32>(scratch + q * row + first + j);
      store<f32>(out + first + j, sum);
    }
  }
}
