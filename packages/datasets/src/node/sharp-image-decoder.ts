import type * as BmpModule from 'bmp-ts';
import type sharpFunction from 'sharp';
import { formatCount } from '../format-count.js';
import type { DecodeTarget, ImageDecoder } from '../image-folder/image-folder-types.js';

type Sharp = typeof sharpFunction;
type BmpTs = typeof BmpModule;

const isBmp = (bytes: Uint8Array) => bytes[0] === 0x42 && bytes[1] === 0x4d;

async function importOptional<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Node's image decoder: sharp (libvips, prebuilt binaries from npm, an optional peer
 * dependency: `npm install sharp`), and bmp-ts for BMP, which libvips' prebuilt build lacks.
 * Reads JPEG, PNG, WebP, GIF (first frame), AVIF, TIFF and BMP; applies EXIF orientation;
 * turns grey, CMYK (through its ICC profile), 16-bit and transparent images (over white) into
 * 8-bit sRGB; resizes with Lanczos-3: `shorter-side` scales the shorter side to the size and
 * cuts the centre (torchvision's `Resize` + `CenterCrop`), `squash` scales each side. An image
 * already at the size is not resampled. The pixel limit is checked from the header before
 * decoding (sharp's `limitInputPixels`); a truncated or corrupt file is an error, not a
 * half-grey image.
 *
 * Each decode uses one libvips thread (sharp's default on glibc); `readImageFolder` runs one
 * per CPU core at a time.
 *
 * @example
 * ```ts
 * const decoder = await sharpImageDecoder();
 * const pixels = await decoder.decode(pngBytes, { size: 32, resize: 'shorter-side', maxPixels: 25_000_000 });
 * pixels.length; // 3072
 * ```
 */
export async function sharpImageDecoder(): Promise<ImageDecoder> {
  const sharpModule = await importOptional<{ default: Sharp }>('sharp');
  if (sharpModule === undefined) {
    throw new Error(
      'Decoding images in Node needs sharp, an optional dependency of @cnnkit/datasets: install it with `npm install sharp` (its prebuilt libvips comes from npm, no compiler needed).',
    );
  }
  const sharp = sharpModule.default;
  const bmpModule = await importOptional<BmpTs>('bmp-ts');
  return {
    id: `sharp-${sharp.versions.sharp}-vips-${sharp.versions.vips}`,
    async decode(bytes, target) {
      try {
        return await decodeWithSharp(bytes, target);
      } catch (error) {
        // libvips keeps one error buffer for all threads: a failure decoded next to another
        // one may come back as "Unknown error". Once more, alone, it says what is wrong.
        if (!(error as Error).message.includes('Unknown error')) throw error;
        return await decodeWithSharp(bytes, target);
      }
    },
  };

  async function decodeWithSharp(bytes: Uint8Array, target: DecodeTarget): Promise<Uint8Array> {
    const { size, resize, maxPixels } = target;
    let input: ReturnType<Sharp>;
    if (isBmp(bytes)) {
      input = bmpInput(sharp, bmpModule, bytes, maxPixels);
    } else {
      input = sharp(bytes, {
        limitInputPixels: maxPixels,
        failOn: 'truncated',
        autoOrient: true,
      });
    }
    // Resizing to the size an image already has changes nothing (sharp skips it), so the
    // CIFAR-10 PNGs come out byte for byte; one pipeline, no separate metadata read.
    const pipeline = input.resize(size, size, {
      fit: resize === 'squash' ? 'fill' : 'cover',
      position: 'centre',
    });
    try {
      const { data, info } = await pipeline
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.width !== size || info.height !== size || info.channels !== 3) {
        throw new Error(
          `decoded to ${info.width}×${info.height}×${info.channels} instead of ${size}×${size}×3`,
        );
      }
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (error) {
      throw new Error(describeSharpError(error));
    }
  }
}

function bmpInput(
  sharp: Sharp,
  bmp: BmpTs | undefined,
  bytes: Uint8Array,
  maxPixels: number,
): ReturnType<Sharp> {
  if (bmp === undefined) {
    throw new Error('a BMP image: decoding BMP in Node needs bmp-ts (`npm install bmp-ts`)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 26) throw new Error('a BMP file too short to hold its header');
  const width = Math.abs(view.getInt32(18, true));
  const height = Math.abs(view.getInt32(22, true));
  if (width * height > maxPixels) {
    throw new Error(
      `${formatCount(width)} × ${formatCount(height)} pixels, more than the ${formatCount(maxPixels)} an image may have`,
    );
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = bmp.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      toRGBA: true,
    });
  } catch (error) {
    throw new Error(`cannot decode the BMP image (${(error as Error).message})`);
  }
  // BMP's fourth byte is padding in most files (and 0), not transparency.
  const rgb = new Uint8Array(decoded.width * decoded.height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = decoded.data[i] as number;
    rgb[j + 1] = decoded.data[i + 1] as number;
    rgb[j + 2] = decoded.data[i + 2] as number;
  }
  return sharp(rgb, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
}

/** sharp's messages, shortened to what a user can act on. */
function describeSharpError(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (/unsupported image format/i.test(message))
    return 'not an image (unknown or unsupported format)';
  if (/exceeds pixel limit/i.test(message)) {
    return `more pixels than an image may have (${message}); shrink it first`;
  }
  return `cannot decode the image (${message})`;
}
