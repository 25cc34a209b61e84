// A float32 matrix transpose: the filter Wᵀ of the Conv2D input gradient's product dy·Wᵀ.

/** dst[c, r] = src[r, c] for a rows × cols float32 matrix. */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    let from = src + ((<usize>r * <usize>cols) << 2);
    let to = dst + ((<usize>r) << 2);
    const step = (<usize>rows) << 2;
    for (let c = 0; c < cols; c++) {
      store<f32>(to, load<f32>(from));
      from += 4;
      to += step;
    }
  }
}
