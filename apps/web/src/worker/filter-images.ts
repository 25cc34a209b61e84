/**
 * Turns a conv layer's filters, stored HWIO as tfjs keeps them (`[kh, kw, in, out]`), into one
 * RGB image per output channel (kh × kw × 3 bytes, HWC). Each filter is stretched to 0–255 on
 * its own range, so weak and strong filters are both visible; a constant filter is mid-grey.
 */
export function filterImages(
  weights: Float32Array,
  shape: readonly [number, number, number, number],
): Uint8Array[] {
  const [kh, kw, inChannels, outChannels] = shape;
  if (inChannels !== 3) throw new Error(`filter images need 3 input channels, got ${inChannels}`);
  if (weights.length !== kh * kw * inChannels * outChannels) {
    throw new Error(`filter weights hold ${weights.length} values, not ${shape.join('×')}`);
  }
  const images: Uint8Array[] = [];
  for (let o = 0; o < outChannels; o++) {
    const values = new Float32Array(kh * kw * 3);
    for (let p = 0; p < kh * kw * 3; p++) values[p] = weights[p * outChannels + o] as number;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const range = max - min;
    images.push(
      Uint8Array.from(values, (v) => (range > 0 ? Math.round((255 * (v - min)) / range) : 128)),
    );
  }
  return images;
}
