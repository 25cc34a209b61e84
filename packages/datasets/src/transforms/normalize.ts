import type { AnyImageBatch, BatchTransform, ImageBatch } from '../types.js';
import { type PointwiseMap, pointwise } from './pointwise.js';

/**
 * torchvision's `Normalize`: `(x - mean[c]) / std[c]` per channel `c`. Give one number for
 * every channel or one per channel. Needs float pixels: put {@link toTensor} before it.
 *
 * @example
 * ```ts
 * const transform = compose(toTensor(), normalize(0.5, 0.5)); // pixels in [-1, 1]
 * ```
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
): BatchTransform {
  for (const s of typeof std === 'number' ? [std] : std) {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new RangeError(
        `normalize: std must be positive and finite, got ${JSON.stringify(std)}.`,
      );
    }
  }
  const transform = (batch: AnyImageBatch): ImageBatch => {
    if (!(batch.pixels instanceof Float32Array)) {
      throw new TypeError('normalize: pixels are still bytes; put toTensor() before normalize().');
    }
    const c = batch.channels;
    const means = perChannel(mean, c, 'mean');
    const stds = perChannel(std, c, 'std');
    const pixels = new Float32Array(batch.pixels.length);
    for (let i = 0; i < pixels.length; i += c) {
      for (let ch = 0; ch < c; ch++) {
        pixels[i + ch] =
          ((batch.pixels[i + ch] as number) - (means[ch] as number)) / (stds[ch] as number);
      }
    }
    return { ...batch, pixels };
  };
  const map: PointwiseMap = {
    input: 'floats',
    check: (channels) => {
      perChannel(mean, channels, 'mean');
      perChannel(std, channels, 'std');
    },
    map: (value, channel, channels) =>
      (value - (perChannel(mean, channels, 'mean')[channel] as number)) /
      (perChannel(std, channels, 'std')[channel] as number),
  };
  return Object.assign(transform, { [pointwise]: map });
}

function perChannel(value: number | readonly number[], channels: number, what: string): number[] {
  if (typeof value === 'number') return Array.from({ length: channels }, () => value);
  if (value.length !== channels) {
    throw new RangeError(
      `normalize: ${what} has ${value.length} values ${JSON.stringify(value)} but the images have ${channels} channels; give one number or one per channel.`,
    );
  }
  return [...value];
}
