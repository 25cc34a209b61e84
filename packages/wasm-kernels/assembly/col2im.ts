// The scatter-add of the Conv2D input gradient, which is a product (cols = dy·Wᵀ, see matmul
// and transpose2d) and this scatter-add, for any stride, dilation and padding.

/**
 * dx[b, oh·strideH − top + fh·dh, ow·strideW − left + fw·dw, :] += cols[p, fh, fw, :] for every
 * dy pixel p = (b, oh, ow) and filter tap, dropping taps that fall outside dx (the padding).
 * dx is NHWC [batch, inH, inW, inC] and written whole (zeroed first). With cols = dy·Wᵀ this is
 * the input gradient without the zero work of a full convolution. A part is one image b:
 * parts [partFrom, partTo) of batch are written.
 */
export function col2im(
  cols: usize,
  dx: usize,
  inH: i32,
  inW: i32,
  inC: i32,
  outH: i32,
  outW: i32,
  filterH: i32,
  filterW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  top: i32,
  left: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const imageBytes = (<usize>inH * <usize>inW * <usize>inC) << 2;
  memory.fill(dx + <usize>partFrom * imageBytes, 0, <usize>(partTo - partFrom) * imageBytes);
  const pixel = (<usize>inC) << 2;
  const tapRow = <usize>filterW * pixel;
  let from = cols + <usize>partFrom * <usize>(outH * outW * filterH) * tapRow;
  for (let b = partFrom; b < partTo; b++) {
    const image = dx + ((<usize>b * <usize>inH * <usize>inW * <usize>inC) << 2);
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const col0 = ow * strideW - left;
        // Filter columns whose dx column is inside the image.
        let fwStart = 0;
        while (fwStart < filterW && col0 + fwStart * dilationW < 0) fwStart++;
        let fwEnd = filterW;
        while (fwEnd > fwStart && col0 + (fwEnd - 1) * dilationW >= inW) fwEnd--;
        for (let fh = 0; fh < filterH; fh++) {
          const row = oh * strideH - top + fh * dilationH;
          if (row >= 0 && row < inH && fwEnd > fwStart) {
            const to =
              image + (<usize>row * <usize>inW + <usize>(col0 + fwStart * dilationW)) * pixel;
            const src = from + <usize>fwStart * pixel;
            if (dilationW === 1) {
              // Consecutive taps hit consecutive dx pixels: one contiguous run of floats.
              addRun(src, to, (fwEnd - fwStart) * inC);
            } else {
              const step = <usize>dilationW * pixel;
              for (let fw = fwStart; fw < fwEnd; fw++) {
                addRun(src + <usize>(fw - fwStart) * pixel, to + <usize>(fw - fwStart) * step, inC);
              }
            }
          }
          from += tapRow;
        }
      }
    }
  }
}

/** to[i] += from[i] for i < n. */
function addRun(from: usize, to: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
  }
}
