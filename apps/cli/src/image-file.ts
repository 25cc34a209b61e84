import { readFile } from 'node:fs/promises';
import { type RgbImage, resizeArea, rgbaToRgb } from '@cnnkit/datasets';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UserError } from './user-errors.js';

const pngSignature = [0x89, 0x50, 0x4e, 0x47];
const jpegSignature = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/**
 * Decodes PNG or JPEG bytes (recognised by their signature, not the file name) into RGB.
 * `name` is only used in error messages.
 */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  try {
    if (startsWith(bytes, pngSignature)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return rgbaToRgb(png.data, png.width, png.height);
    }
    if (startsWith(bytes, jpegSignature)) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 1024,
      });
      return rgbaToRgb(img.data, img.width, img.height);
    }
  } catch (error) {
    throw new UserError(`${name}: cannot decode the image (${(error as Error).message}).`);
  }
  throw new UserError(`${name}: not a PNG or JPEG file; convert it to one of those formats.`);
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
