// Max pooling gradient (NHWC), ties and all-NaN windows like tfjs's cpu backend.

/**
 * Each dy value goes to the first maximum of its window (strictly greater than everything
 * before it, starting from −∞; a window with no such value drops its gradient). dx is written
 * whole. Windows may overlap (contributions add up) and reach into padding. A part is one image
 * b: parts [partFrom, partTo) of the batch are written.
 */
export function maxPoolGrad(
  x: usize,
  dy: usize,
  dx: usize,
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
  const imageBytes = (<usize>inH * <usize>inW * <usize>channels) << 2;
  memory.fill(dx + <usize>partFrom * imageBytes, 0, <usize>(partTo - partFrom) * imageBytes);
  // Windows that cannot overlap (stride ≥ window) own their dx elements: results are stored,
  // not added, so the last group of 4 channels may overlap the previous one (same values
  // stored twice) and no channel needs the scalar path when there are at least 4.
  const disjoint = strideH >= filterH && strideW >= filterW && channels >= 4;
  const c4 = disjoint ? channels : channels & ~3;
  const pixel = (<usize>channels) << 2;
  const negInf = f32x4.splat(-Infinity);
  const none = i32x4.splat(-1);
  for (let b = partFrom; b < partTo; b++) {
    const image = <usize>b * <usize>inH * <usize>inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = oh * strideH - padTop;
      const rStart = max(r0, 0);
      const rEnd = min(r0 + filterH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const c0 = ow * strideW - padLeft;
        const cStart = max(c0, 0);
        const cEnd = min(c0 + filterW, inW);
        const dyAt =
          dy +
          ((((<usize>b * <usize>outH + <usize>oh) * <usize>outW + <usize>ow) * <usize>channels) <<
            2);
        for (let step = 0; step < c4; step += 4) {
          const c = disjoint ? min(step, channels - 4) : step;
          const lane = (<usize>c) << 2;
          let best = negInf;
          let where = none;
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const v = v128.load(x + at);
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              where = v128.bitselect(i32x4.splat(r * inW + col), where, greater);
            }
          }
          const g = v128.load(dyAt + lane);
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const hit = i32x4.eq(where, i32x4.splat(r * inW + col));
              if (disjoint) v128.store(dx + at, v128.and(g, hit));
              else v128.store(dx + at, f32x4.add(v128.load(dx + at), v128.and(g, hit)));
            }
          }
        }
        for (let c = c4; c < channels; c++) {
          const lane = (<usize>c) << 2;
          let best: f32 = -Infinity;
          let where: usize = 0;
          let found = false;
          for (let r = rStart; r < rEnd; r++) {
            for (let col = cStart; col < cEnd; col++) {
              const at = (image + <usize>r * <usize>inW + <usize>col) * pixel + lane;
              const v = load<f32>(x + at);
              if (v > best) {
                best = v;
                where = at;
                found = true;
              }
            }
          }
          if (found) store<f32>(dx + where, load<f32>(dx + where) + load<f32>(dyAt + lane));
        }
      }
    }
  }
}
