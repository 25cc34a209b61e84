import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform } from '../types.js';

/** Options of {@link randomResizedCrop}; torchvision's defaults. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  readonly scale?: readonly [number, number];
  /** Range of the crop's width / height (default [3/4, 4/3]), drawn log-uniformly. */
  readonly ratio?: readonly [number, number];
}

/** torchvision's `RandomResizedCrop.get_params`: 10 tries, then a centre crop. */
function cropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): { top: number; left: number; h: number; w: number } {
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), h, w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), h, w };
}

/**
 * torchvision's `RandomResizedCrop(size, scale, ratio)` for photos: cuts a random part of each
 * image (area and aspect drawn as torchvision does) and scales it to `size`×`size` with
 * bilinear interpolation (pixel centres aligned, as `align_corners=False`). Works on byte and
 * float batches and keeps the pixel type (bytes are rounded).
 *
 * @example
 * ```ts
 * const augment = compose(randomResizedCrop(32, { scale: [0.25, 1] }), randomHorizontalFlip(), toTensor());
 * ```
 */
export function randomResizedCrop(
  size: number,
  options: RandomResizedCropOptions = {},
): BatchTransform {
  const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`randomResizedCrop: size must be a positive integer, got ${size}.`);
  }
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) {
    throw new RangeError(
      `randomResizedCrop: scale must be [low, high] with 0 < low ≤ high ≤ 1, got [${scale.join(', ')}].`,
    );
  }
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) {
    throw new RangeError(
      `randomResizedCrop: ratio must be [low, high] with 0 < low ≤ high, got [${ratio.join(', ')}].`,
    );
  }
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    const { height, width, channels } = batch;
    const bytes = batch.pixels instanceof Uint8Array;
    const out = bytes
      ? new Uint8Array(batch.size * size * size * channels)
      : new Float32Array(batch.size * size * size * channels);
    const source = batch.pixels;
    for (let n = 0; n < batch.size; n++) {
      const { top, left, h, w } = cropBox(height, width, scale, ratio, rng);
      const base = n * height * width * channels;
      const outBase = n * size * size * channels;
      for (let oy = 0; oy < size; oy++) {
        const sy = Math.min(Math.max(top + ((oy + 0.5) * h) / size - 0.5, top), top + h - 1);
        const y0 = Math.floor(sy);
        const y1 = Math.min(y0 + 1, top + h - 1);
        const fy = sy - y0;
        for (let ox = 0; ox < size; ox++) {
          const sx = Math.min(Math.max(left + ((ox + 0.5) * w) / size - 0.5, left), left + w - 1);
          const x0 = Math.floor(sx);
          const x1 = Math.min(x0 + 1, left + w - 1);
          const fx = sx - x0;
          for (let c = 0; c < channels; c++) {
            const at = (y: number, x: number) =>
              source[base + (y * width + x) * channels + c] as number;
            const value =
              (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
              fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
            out[outBase + (oy * size + ox) * channels + c] = bytes ? Math.round(value) : value;
          }
        }
      }
    }
    return { ...batch, pixels: out, height: size, width: size } as AnyImageBatch;
  };
}
