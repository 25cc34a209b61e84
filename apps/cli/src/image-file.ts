import { type RgbImage, resizeArea, rgbaToRgb } from '@cnnkit/datasets';
import { imageSize } from 'image-size';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { assertPngInflatesWithin } from './png-inflate-bound.js';
import { readRegularFile } from './read-regular-file.js';
import { UserError } from './user-errors.js';

/**
 * The most pixels an image may have: 25 megapixels (a 24-megapixel 6000×4000 camera photo;
 * phones shoot 12). The decoders need up to about 35 bytes a pixel (jpeg-js keeps every 8×8
 * block of coefficients as its own Int32Array), so this keeps `predict` near 1 GB at worst,
 * under the 1.5 GB bound; a 20000×20000 image (a 1 MB PNG) would need over 5 GB.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** The largest image file read: a 25-megapixel PNG of incompressible 16-bit RGBA is 200 MB. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

const pngSignature = [0x89, 0x50, 0x4e, 0x47];
const jpegSignature = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Decodes PNG or JPEG bytes (recognised by their signature, not the file name) into RGB.
 * The size in the image's header is checked against {@link MAX_IMAGE_PIXELS} before anything
 * is decoded. `name` is only used in error messages.
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<RgbImage> {
  const isPng = startsWith(bytes, pngSignature);
  if (!isPng && !startsWith(bytes, jpegSignature)) {
    throw new UserError(`${name}: not a PNG or JPEG file; convert it to one of those formats.`);
  }
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch (error) {
    throw new UserError(`${name}: cannot read the image size (${(error as Error).message}).`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new UserError(
      `${name}: ${count(width)} × ${count(height)} pixels (${count(Math.round((width * height) / 1e6))} megapixels) is more than predict decodes (at most ${count(MAX_IMAGE_PIXELS / 1e6)} megapixels); shrink the image first.`,
    );
  }
  try {
    if (isPng) {
      await assertPngInflatesWithin(bytes, width, height);
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return rgbaToRgb(png.data, png.width, png.height);
    }
    // RGB straight from the decoder: JPEG has no alpha, and it saves two copies of the image.
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
    return { width: img.width, height: img.height, pixels: img.data };
  } catch (error) {
    throw new UserError(`${name}: cannot decode the image (${(error as Error).message}).`);
  }
}

/**
 * Reads an image file (a regular file of at most {@link MAX_IMAGE_FILE_BYTES}) and returns it
 * resized to `size`×`size` RGB.
 */
export async function readImageFile(path: string, size: number): Promise<RgbImage> {
  const bytes = await readRegularFile(
    path,
    MAX_IMAGE_FILE_BYTES,
    (bytes) =>
      `${count(bytes)} bytes, more than predict reads (at most ${count(MAX_IMAGE_FILE_BYTES)} bytes); shrink the image first.`,
  );
  return resizeArea(await decodeImage(bytes, path), size, size);
}
