/** An RGB image, channels last (H, W, 3 bytes per pixel). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * Resizes by area averaging: each output pixel is the mean of the source area it covers,
 * weighted by overlap. Shrinking a photo to CIFAR's 32×32 this way keeps its colours instead of
 * sampling a few pixels (bilinear's aliasing); enlarging repeats pixels. The CLI's `predict`
 * and the web demo both use it, so they classify the same 32×32 image.
 *
 * @example
 * ```ts
 * const image = { width: 2, height: 2, pixels: Uint8Array.from([0, 0, 0, 100, 50, 10, 200, 100, 20, 100, 50, 10]) };
 * resizeArea(image, 1, 1).pixels; // Uint8Array [100, 50, 10]
 * ```
 */
export function resizeArea(image: RgbImage, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let oy = 0; oy < height; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < width; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let r = 0;
      let g = 0;
      let b = 0;
      let total = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), image.height); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), image.width); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          const p = (y * image.width + x) * 3;
          r += w * (image.pixels[p] as number);
          g += w * (image.pixels[p + 1] as number);
          b += w * (image.pixels[p + 2] as number);
          total += w;
        }
      }
      const o = (oy * width + ox) * 3;
      out[o] = Math.round(r / total);
      out[o + 1] = Math.round(g / total);
      out[o + 2] = Math.round(b / total);
    }
  }
  return { width, height, pixels: out };
}

/**
 * RGBA (as canvases and PNG decoders give it) to RGB, compositing transparency over white as
 * image viewers show it.
 *
 * @example
 * ```ts
 * // One opaque red pixel and one fully transparent pixel, 2×1:
 * const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 0]);
 * rgbaToRgb(rgba, 2, 1).pixels; // Uint8Array [255, 0, 0, 255, 255, 255]
 * ```
 */
export function rgbaToRgb(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
): RgbImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < pixels.length; i += 4, j += 3) {
    const alpha = (rgba[i + 3] as number) / 255;
    for (let c = 0; c < 3; c++) {
      pixels[j + c] = Math.round((rgba[i + c] as number) * alpha + 255 * (1 - alpha));
    }
  }
  return { width, height, pixels };
}
