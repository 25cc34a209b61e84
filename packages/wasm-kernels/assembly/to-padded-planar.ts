// Layout helper for the convolution gradients: NHWC → zero-padded planar [B, C, rows, cols].

/**
 * planar[b, ch, r, col] = src[b, r − top, col − left, ch] (NHWC, height × width) where that is
 * inside src, else 0. planar is [batch, channels, rows, cols]. A part is one image b: parts
 * [partFrom, partTo) of batch are written.
 */
export function toPaddedPlanar(
  src: usize,
  planar: usize,
  height: i32,
  width: i32,
  channels: i32,
  rows: i32,
  cols: i32,
  top: i32,
  left: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const image = (<usize>channels * <usize>rows * <usize>cols) << 2;
  memory.fill(planar + <usize>partFrom * image, 0, <usize>(partTo - partFrom) * image);
  // Source columns whose planar column is inside the row.
  const wStart = max(0, -left);
  const wEnd = min(width, cols - left);
  if (wEnd <= wStart) return;
  const plane = (<usize>rows * <usize>cols) << 2;
  const pixel = (<usize>channels) << 2;
  const run = wEnd - wStart;
  const run4 = run & ~3;
  for (let b = partFrom; b < partTo; b++) {
    for (let h = 0; h < height; h++) {
      const r = h + top;
      if (r < 0 || r >= rows) continue;
      const rowFrom =
        src +
        ((((<usize>b * <usize>height + <usize>h) * <usize>width + <usize>wStart) *
          <usize>channels) <<
          2);
      const rowTo =
        planar +
        (((<usize>b * <usize>channels * <usize>rows + <usize>r) * <usize>cols +
          <usize>(wStart + left)) <<
          2);
      // Channel by channel: contiguous stores of 4 values gathered with a stride of one pixel.
      for (let ch = 0; ch < channels; ch++) {
        let from = rowFrom + ((<usize>ch) << 2);
        let to = rowTo + <usize>ch * plane;
        let w = 0;
        for (; w < run4; w += 4) {
          let v = v128.load32_zero(from);
          v = f32x4.replace_lane(v, 1, load<f32>(from + pixel));
          v = f32x4.replace_lane(v, 2, load<f32>(from + 2 * pixel));
          v = f32x4.replace_lane(v, 3, load<f32>(from + 3 * pixel));
          v128.store(to, v);
          from += 4 * pixel;
          to += 16;
        }
        for (; w < run; w++) {
          store<f32>(to, load<f32>(from));
          from += pixel;
          to += 4;
        }
      }
    }
  }
}
