import type { ResizePolicy } from '@cnnkit/contracts';
import type { ImageDecoder } from '@cnnkit/datasets';
import { imageSize } from 'image-size';
import { assertPngInflatesWithin } from './png-inflate-bound.js';
import { readRegularFile } from './read-regular-file.js';
import { UserError } from './user-errors.js';

/**
 * The most pixels an image may have: 25 megapixels (a 24-megapixel 6000×4000 camera photo;
 * phones shoot 12). Checked from the file's header before anything is decoded, so a
 * 20000×20000 image (a 1 MB PNG that decodes to 1.6 GB) is refused at once.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** The largest image file read: a 25-megapixel PNG of incompressible 16-bit RGBA is 200 MB. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

const pngSignature = [0x89, 0x50, 0x4e, 0x47];

const count = (n: number) => n.toLocaleString('en-US');

let decoder: Promise<ImageDecoder> | undefined;
/** sharp, loaded once (the CLI depends on it). */
function sharpDecoder(): Promise<ImageDecoder> {
  decoder ??= import('@cnnkit/datasets/node').then(({ sharpImageDecoder }) => sharpImageDecoder());
  return decoder;
}

/** What a model takes: `size`×`size` RGB, other shapes brought there by `resize`. */
export interface ImageTarget {
  readonly size: number;
  readonly resize: ResizePolicy;
}

/**
 * Decodes an image (JPEG, PNG, WebP, GIF's first frame, AVIF, TIFF or BMP, recognised by its
 * content, not its name) to `target.size`² RGB bytes with sharp: EXIF orientation applied,
 * grey, CMYK, 16-bit and alpha (over white) converted, resized by `target.resize`. The size in
 * the image's header is checked against {@link MAX_IMAGE_PIXELS} first. `name` is only used
 * in error messages.
 */
export async function decodeImage(
  bytes: Uint8Array,
  name: string,
  target: ImageTarget,
): Promise<Uint8Array> {
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch {
    throw new UserError(
      `${name}: not an image cnnkit reads (JPEG, PNG, WebP, GIF, AVIF, TIFF or BMP); convert it to one of those formats.`,
    );
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new UserError(
      `${name}: ${count(width)} × ${count(height)} pixels (${count(Math.round((width * height) / 1e6))} megapixels) is more than predict decodes (at most ${count(MAX_IMAGE_PIXELS / 1e6)} megapixels); shrink the image first.`,
    );
  }
  try {
    if (pngSignature.every((b, i) => bytes[i] === b)) {
      await assertPngInflatesWithin(bytes, width, height);
    }
    return await (await sharpDecoder()).decode(bytes, { ...target, maxPixels: MAX_IMAGE_PIXELS });
  } catch (error) {
    const message = (error as Error).message;
    throw new UserError(
      `${name}: ${message.startsWith('cannot decode') || message.startsWith('not an image') ? message : `cannot decode the image (${message})`}${message.endsWith('.') ? '' : '.'}`,
    );
  }
}

/**
 * Reads an image file (a regular file of at most {@link MAX_IMAGE_FILE_BYTES}) and returns
 * it decoded for a model (see {@link decodeImage}).
 */
export async function readImageFile(path: string, target: ImageTarget): Promise<Uint8Array> {
  const bytes = await readRegularFile(
    path,
    MAX_IMAGE_FILE_BYTES,
    (bytes) =>
      `${count(bytes)} bytes, more than predict reads (at most ${count(MAX_IMAGE_FILE_BYTES)} bytes); shrink the image first.`,
  );
  return decodeImage(bytes, path, target);
}
