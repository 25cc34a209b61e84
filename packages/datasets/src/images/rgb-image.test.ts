import { expect, test } from 'vitest';
import { resizeArea, rgbaToRgb } from './rgb-image.js';

test('shrinking averages each covered area', () => {
  // 2×2 → 1×1: the mean of four pixels per channel.
  const image = {
    width: 2,
    height: 2,
    pixels: Uint8Array.from([0, 0, 0, 100, 50, 10, 200, 100, 20, 100, 50, 10]),
  };
  expect(Array.from(resizeArea(image, 1, 1).pixels)).toEqual([100, 50, 10]);
});

test('a 3-pixel row shrunk to 2 weights the middle pixel half to each side', () => {
  const image = {
    width: 3,
    height: 1,
    pixels: Uint8Array.from([0, 0, 0, 90, 90, 90, 180, 180, 180]),
  };
  // Left output covers pixel 0 fully and half of pixel 1: (0 + 0.5·90) / 1.5 = 30.
  expect(Array.from(resizeArea(image, 2, 1).pixels)).toEqual([30, 30, 30, 150, 150, 150]);
});

test('enlarging repeats pixels and keeps a 32×32 image unchanged', () => {
  const one = { width: 1, height: 1, pixels: Uint8Array.from([7, 8, 9]) };
  expect(Array.from(resizeArea(one, 2, 1).pixels)).toEqual([7, 8, 9, 7, 8, 9]);
  const pixels = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 37) % 256);
  expect(resizeArea({ width: 32, height: 32, pixels }, 32, 32).pixels).toEqual(pixels);
});

test('a solid colour stays solid at any scale', () => {
  const pixels = new Uint8Array(37 * 23 * 3).fill(77);
  const out = resizeArea({ width: 37, height: 23, pixels }, 32, 32);
  expect([out.width, out.height]).toEqual([32, 32]);
  expect(out.pixels.every((v) => v === 77)).toBe(true);
});

test('transparent pixels are composited over white', () => {
  const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 51]);
  expect(Array.from(rgbaToRgb(rgba, 3, 1).pixels)).toEqual([
    255, 0, 0, 255, 255, 255, 204, 204, 255,
  ]);
});
