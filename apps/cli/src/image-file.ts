import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UserError } from './user-errors.js';

/** An RGB image, channels last (H, W, 3). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47];
const jpegSignature = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    // Composite transparency over white, as image viewers show it.
    const alpha = (rgba[i + 3] as number) / 255;
    rgb[j] = Math.round((rgba[i] as number) * alpha + 255 * (1 - alpha));
    rgb[j + 1] = Math.round((rgba[i + 1] as number) * alpha + 255 * (1 - alpha));
    rgb[j + 2] = Math.round((rgba[i + 2] as number) * alpha + 255 * (1 - alpha));
  }
  return rgb;
}

/**
 * Decodes PNG or JPEG bytes (recognised by their signature, not the file name) into RGB.
 * `name` is only used in error messages.
 */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  try {
    if (startsWith(bytes, pngSignature)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: png.width,
        height: png.height,
        pixels: rgbaToRgb(png.data, png.width, png.height),
      };
    }
    if (startsWith(bytes, jpegSignature)) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 1024,
      });
      return {
        width: img.width,
        height: img.height,
        pixels: rgbaToRgb(img.data, img.width, img.height),
      };
    }
  } catch (error) {
    throw new UserError(`${name}: cannot decode the image (${(error as Error).message}).`);
  }
  throw new UserError(`${name}: not a PNG or JPEG file; convert it to one of those formats.`);
}

/**
 * Resizes by area averaging: every source pixel contributes to the output pixels it overlaps,
 * weighted by the overlap. Downscaling a photo to 32×32 this way keeps its colours instead of
 * sampling a few pixels (bilinear's aliasing); upscaling falls back to nearest-area.
 */
export function resizeArea(image: RgbImage, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const sx = image.width / width;
  const sy = image.height / height;
  const sums = new Float64Array(3);
  for (let oy = 0; oy < height; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < width; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      sums.fill(0);
      let total = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), image.height); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), image.width); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          const p = (y * image.width + x) * 3;
          sums[0] = (sums[0] as number) + w * (image.pixels[p] as number);
          sums[1] = (sums[1] as number) + w * (image.pixels[p + 1] as number);
          sums[2] = (sums[2] as number) + w * (image.pixels[p + 2] as number);
          total += w;
        }
      }
      const o = (oy * width + ox) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round((sums[c] as number) / total);
    }
  }
  return { width, height, pixels: out };
}

/** Reads an image file and returns it resized to `size`×`size` RGB. */
export async function readImageFile(path: string, size: number): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `${path}: no such file.`
        : `${path}: cannot read (${(error as Error).message}).`,
    );
  }
  return resizeArea(decodeImage(bytes, path), size, size);
}
