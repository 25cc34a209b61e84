// Max pooling (NHWC), NaN and ties like tfjs's cpu backend and cnnkit's MaxPoolGrad.

/**
 * out[b, oh, ow, c] = the maximum of x over the window's pixels inside the image, taken as the
 * cpu backend and maxPoolGrad take it: a value replaces the maximum so far only when strictly
 * greater, starting from −∞, so NaN is skipped and a window with no other value gives −∞. A part
 * is one output row (b, oh): parts [partFrom, partTo) of batch × outH are written.
 */
export function maxPool(
  x: usize,
  out: usize,
  inH: i32,
  inW: i32,
  channels: i32,
  outH: i32,
  outW: i32,
  filterH: i32,
  filterW: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const pixel = (<usize>channels) << 2;
  // Whole vectors only: with at least 4 channels the last group of 4 may overlap the one before
  // (the same maxima stored twice), so no channel needs the scalar path.
  const vectorChannels = channels >= 4 ? channels : 0;
  const negInf = f32x4.splat(-Infinity);
  for (let part = partFrom; part < partTo; part++) {
    const b = part / outH;
    const oh = part - b * outH;
    const image = <usize>b * <usize>inH * <usize>inW;
    const r0 = oh * strideH - padTop;
    const rStart = max(r0, 0);
    const rEnd = min(r0 + filterH, inH);
    const outRow = out + <usize>part * <usize>outW * pixel;
    for (let ow = 0; ow < outW; ow++) {
      const c0 = ow * strideW - padLeft;
      const cStart = max(c0, 0);
      const cEnd = min(c0 + filterW, inW);
      const outAt = outRow + <usize>ow * pixel;
      for (let step = 0; step < vectorChannels; step += 4) {
        const lane = (<usize>min(step, channels - 4)) << 2;
        let best = negInf;
        for (let r = rStart; r < rEnd; r++) {
          let at = x + (image + <usize>r * <usize>inW + <usize>cStart) * pixel + lane;
          for (let col = cStart; col < cEnd; col++) {
            // pmax(a, b) is a < b ? b : a: strictly greater replaces, NaN never does.
            best = f32x4.pmax(best, v128.load(at));
            at += pixel;
          }
        }
        v128.store(outAt + lane, best);
      }
      if (vectorChannels === 0) {
        for (let c = 0; c < channels; c++) {
          let best: f32 = -Infinity;
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const v = load<f32>(
                x + (image + <usize>r * <usize>inW + <usize>col) * pixel + ((<usize>c) << 2),
              );
              if (v > best) best = v;
            }
          }
          store<f32>(outAt + ((<usize>c) << 2), best);
        }
      }
    }
  }
}
