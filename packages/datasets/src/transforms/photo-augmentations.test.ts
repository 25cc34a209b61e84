import { Rng } from '@cnnkit/random';
import { describe, expect, it } from 'vitest';
import type { ByteImageBatch, ImageBatch } from '../types.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { toTensor } from './to-tensor.js';

function gradient(size: number, count = 2): ByteImageBatch {
  const pixels = new Uint8Array(count * size * size * 3);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = ((n * size + y) * size + x) * 3;
        pixels.set([x * 8, y * 8, 100 + n * 50], i);
      }
    }
  }
  return {
    pixels,
    labels: Int32Array.from({ length: count }, (_, i) => i),
    size: count,
    height: size,
    width: size,
    channels: 3,
  };
}

describe('randomResizedCrop', () => {
  it('keeps the image when the crop is the whole of it (scale and ratio 1)', () => {
    const batch = gradient(16);
    const out = randomResizedCrop(16, { scale: [1, 1], ratio: [1, 1] })(batch, new Rng(0));
    expect(out.pixels).toEqual(batch.pixels);
    expect(out.labels).toBe(batch.labels);
  });

  it('resizes a crop to the size, on bytes and floats alike, and is seeded', () => {
    const batch = gradient(16);
    const crop = randomResizedCrop(8, { scale: [0.25, 0.5] });
    const a = crop(batch, new Rng(3));
    expect([a.height, a.width, a.pixels.length]).toEqual([8, 8, 2 * 8 * 8 * 3]);
    expect(a.pixels).toBeInstanceOf(Uint8Array);
    expect(crop(batch, new Rng(3)).pixels).toEqual(a.pixels);
    expect(crop(batch, new Rng(4)).pixels).not.toEqual(a.pixels);
    const floats = crop(toTensor()(batch, new Rng(0)), new Rng(3));
    expect(floats.pixels).toBeInstanceOf(Float32Array);
    // The same crop: floats are the bytes' values / 255 before rounding.
    floats.pixels.forEach((v, i) => {
      expect(Math.abs(v * 255 - (a.pixels[i] as number))).toBeLessThanOrEqual(0.5 + 1e-3);
    });
    // Each image keeps its own blue channel: crops never mix images.
    expect(a.pixels[2]).toBe(100);
    expect(a.pixels[8 * 8 * 3 + 2]).toBe(150);
  });

  it('refuses impossible ranges, quoting them', () => {
    expect(() => randomResizedCrop(8, { scale: [0.5, 0.2] })).toThrow(
      'randomResizedCrop: scale must be [low, high] with 0 < low ≤ high ≤ 1, got [0.5, 0.2].',
    );
    expect(() => randomResizedCrop(0)).toThrow('size must be a positive integer, got 0');
  });
});

describe('colorJitter', () => {
  const floats = () => toTensor()(gradient(8), new Rng(0)) as ImageBatch;

  it('changes nothing with no jitter, and stays in [0, 1] with a lot', () => {
    const batch = floats();
    expect(colorJitter({})(batch, new Rng(1)).pixels).toEqual(batch.pixels);
    const wild = colorJitter({ brightness: 2, contrast: 2, saturation: 2, hue: 0.5 })(
      batch,
      new Rng(1),
    );
    expect(wild.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(wild.pixels).not.toEqual(batch.pixels);
  });

  it('brightness scales every value by one factor per image', () => {
    const batch = floats();
    const out = colorJitter({ brightness: 0.5 })(batch, new Rng(2)).pixels;
    const image = 8 * 8 * 3;
    for (let n = 0; n < 2; n++) {
      const ratios = new Set<string>();
      for (let i = n * image; i < (n + 1) * image; i++) {
        const before = batch.pixels[i] as number;
        if (before > 0.05 && (out[i] as number) < 1)
          ratios.add(((out[i] as number) / before).toFixed(4));
      }
      expect(ratios.size).toBe(1);
    }
  });

  it('saturation 0 … 0 turns images grey; hue turns colours and keeps greys', () => {
    const batch = floats();
    const greyed = colorJitter({ saturation: 1 })(batch, new Rng(5));
    expect(greyed.pixels).not.toEqual(batch.pixels);
    const greys: ImageBatch = { ...batch, pixels: new Float32Array(batch.pixels.length).fill(0.4) };
    expect(colorJitter({ hue: 0.5 })(greys, new Rng(5)).pixels).toEqual(greys.pixels);
  });

  it('needs floats: after toTensor', () => {
    expect(() => colorJitter({ brightness: 0.1 })(gradient(4), new Rng(0))).toThrow(
      'colorJitter: pixels are still bytes; put toTensor() before colorJitter().',
    );
    expect(() => colorJitter({ hue: 0.6 })).toThrow(
      'colorJitter: hue must be in [0, 0.5], got 0.6.',
    );
  });

  it('composes into a seeded photo pipeline', () => {
    const pipeline = compose(
      randomResizedCrop(8, { scale: [0.5, 1] }),
      toTensor(),
      colorJitter({ brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05 }),
    );
    const batch = gradient(16);
    expect(pipeline(batch, new Rng(9)).pixels).toEqual(pipeline(batch, new Rng(9)).pixels);
  });
});
