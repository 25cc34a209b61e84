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
  const first = (<usize>partFrom) << 4;
  const last = min((<usize>partTo) << 4, row);
  for (let q: usize = 0; q < 4; q++) memory.fill(scratch + q * row + first, 0, last - first);
  memory.fill(out + first, 0, last - first);
  // Block by block (64 rows stay in cache while this thread sums its columns of them).
  for (let start: usize = 0; start < whole; start += block) {
    const end = min(start + block, whole);
    for (let q: usize = 0; q < 4; q++) {
      for (let column = first; column < last; column += 16) {
        const lane = q * row + column;
        if (row - column >= 16) {
          let acc = f32x4.splat(0);
          for (let at = start + lane; at < end; at += period)
            acc = f32x4.add(acc, v128.load(x + at));
          v128.store(scratch + lane, f32x4.add(v128.load(scratch + lane), acc));
          continue;
        }
        // The last part, with fewer than four columns.
        for (let j = lane; j < q * row + row; j += 4) {
          let acc: f32 = 0;
          for (let at = start + j; at < end; at += period) acc += load<f32>(x + at);
          store<f32>(scratch + j, load<f32>(scratch + j) + acc);
        }
      }
    }
  }
  for (let j = first; j < last; j += 4) {
    let sum = load<f32>(out + j);
    for (let at = whole + j; at < total; at += row) sum += load<f32>(x + at);
    for (let q: usize = 0; q < 4; q++) sum += load<f32>(scratch + q * row + j);
    store<f32>(out + j, sum);
  }
}
