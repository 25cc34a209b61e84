import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecodeTarget, ImageDecoder } from '../image-folder/image-folder-types.js';
import { sharpImageDecoder } from './sharp-image-decoder.js';

let decoder: ImageDecoder;
beforeAll(async () => {
  decoder = await sharpImageDecoder();
});

const target = (size: number, resize: DecodeTarget['resize'] = 'squash'): DecodeTarget => ({
  size,
  resize,
  maxPixels: 25_000_000,
});
const rawImage = (
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  at: (x: number, y: number, c: number) => number,
) => {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = at(x, y, c);
  return sharp(data, { raw: { width, height, channels } });
};
const mean = (pixels: Uint8Array, from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pixels[i] as number;
  return sum / (to - from);
};

describe('sharpImageDecoder', () => {
  it('gives a 32×32 PNG back byte for byte (no resampling at the size)', async () => {
    const pixels = rawImage(32, 32, 3, (x, y, c) => (x * 7 + y * 13 + c * 101) % 256);
    const png = await pixels.clone().png().toBuffer();
    const expected = await pixels.raw().toBuffer();
    expect(Buffer.from(await decoder.decode(png, target(32))).equals(expected)).toBe(true);
  });

  it('applies EXIF orientation: a 60×40 photo stored on its side comes out upright', async () => {
    // Left half dark, right half light; orientation 6 turns it a quarter clockwise, so the
    // left half becomes the top.
    const jpeg = await rawImage(60, 40, 3, (x) => (x < 30 ? 20 : 230))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await decoder.decode(jpeg, target(16));
    const half = 8 * 16 * 3;
    expect(mean(out, 0, half)).toBeLessThan(60);
    expect(mean(out, half, 2 * half)).toBeGreaterThan(190);
  });

  it('turns grey, CMYK, 16-bit and transparent images into 8-bit RGB', async () => {
    const grey = await rawImage(8, 8, 1, () => 77)
      .png()
      .toBuffer();
    expect([...(await decoder.decode(grey, target(4))).slice(0, 3)]).toEqual([77, 77, 77]);
    const colour = rawImage(8, 8, 3, (_, __, c) => [200, 100, 50][c] as number);
    const sixteen = await colour.clone().toColourspace('rgb16').png().toBuffer();
    expect([...(await decoder.decode(sixteen, target(4))).slice(0, 3)]).toEqual([200, 100, 50]);
    const cmyk = await colour.clone().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    const fromCmyk = await decoder.decode(cmyk, target(4));
    // libvips' default CMYK profile on the way there and back moves colours a little.
    expect(Math.abs((fromCmyk[0] as number) - 200)).toBeLessThan(40);
    expect(Math.abs((fromCmyk[2] as number) - 50)).toBeLessThan(40);
    const clear = await rawImage(4, 4, 4, (_, __, c) => (c === 3 ? 0 : 10))
      .png()
      .toBuffer();
    expect([...(await decoder.decode(clear, target(4))).slice(0, 3)]).toEqual([255, 255, 255]);
  });

  it('reads WebP, GIF, AVIF, TIFF and BMP', async () => {
    const colour = rawImage(20, 10, 3, (_, __, c) => [30, 140, 220][c] as number);
    for (const format of ['webp', 'gif', 'avif', 'tiff'] as const) {
      const bytes = await colour.clone()[format]().toBuffer();
      const out = await decoder.decode(bytes, target(8));
      expect(out.length, format).toBe(8 * 8 * 3);
      expect(Math.abs((out[2] as number) - 220), format).toBeLessThan(30);
    }
    const abgr = Buffer.alloc(20 * 10 * 4);
    for (let i = 0; i < abgr.length; i += 4) abgr.set([255, 220, 140, 30], i);
    const bmp = encodeBmp({ data: abgr, width: 20, height: 10, bitPP: 24 }).data;
    expect([...(await decoder.decode(bmp, target(8))).slice(0, 3)]).toEqual([30, 140, 220]);
  });

  it('crops the centre with shorter-side and squashes the whole with squash', async () => {
    // 30×10: a dark third, a light third, a dark third.
    const png = await rawImage(30, 10, 3, (x) => (x >= 10 && x < 20 ? 240 : 10))
      .png()
      .toBuffer();
    expect(mean(await decoder.decode(png, target(10, 'shorter-side')), 0, 300)).toBeGreaterThan(
      230,
    );
    const squashed = await decoder.decode(png, target(10, 'squash'));
    expect(mean(squashed, 0, 300)).toBeGreaterThan(60);
    expect(mean(squashed, 0, 300)).toBeLessThan(120);
  });

  it('refuses corrupt files, non-images and too many pixels, saying why', async () => {
    const jpeg = await rawImage(64, 64, 3, (x, y) => (x * y) % 256)
      .jpeg()
      .toBuffer();
    await expect(decoder.decode(jpeg.subarray(0, jpeg.length / 2), target(8))).rejects.toThrow(
      /^cannot decode the image \(.*premature end of JPEG image\)$/,
    );
    await expect(decoder.decode(new TextEncoder().encode('plain text'), target(8))).rejects.toThrow(
      'not an image (unknown or unsupported format)',
    );
    await expect(
      decoder.decode(jpeg, { size: 8, resize: 'squash', maxPixels: 64 * 63 }),
    ).rejects.toThrow(/^more pixels than an image may have \(.*pixel limit\); shrink it first$/);
  });
});
