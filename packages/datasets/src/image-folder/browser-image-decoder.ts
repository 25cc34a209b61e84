import { imageSize } from 'image-size';
import { formatCount } from '../format-count.js';
import { sourceRect } from './cover-crop.js';
import type { DecodeTarget, ImageDecoder } from './image-folder-types.js';

// The few canvas APIs used, typed here so that the package also type-checks without the DOM
// library (its Node build); at run time they are the browser's.
interface Bitmap {
  readonly width: number;
  readonly height: number;
  close(): void;
}
interface BitmapOptions {
  imageOrientation?: 'from-image' | 'none';
  premultiplyAlpha?: 'none' | 'premultiply' | 'default';
  resizeWidth?: number;
  resizeHeight?: number;
  resizeQuality?: 'pixelated' | 'low' | 'medium' | 'high';
}
interface Context2d {
  fillStyle: string;
  fillRect(x: number, y: number, width: number, height: number): void;
  drawImage(image: Bitmap, x: number, y: number): void;
  getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
}
interface CanvasApis {
  createImageBitmap(image: Blob, options?: BitmapOptions): Promise<Bitmap>;
  createImageBitmap(
    image: Bitmap,
    x: number,
    y: number,
    width: number,
    height: number,
    options?: BitmapOptions,
  ): Promise<Bitmap>;
  OffscreenCanvas: new (
    width: number,
    height: number,
  ) => {
    getContext(kind: '2d', options?: { willReadFrequently?: boolean }): Context2d | null;
  };
}

function canvasApis(): CanvasApis {
  const web = globalThis as unknown as Partial<CanvasApis>;
  if (typeof web.createImageBitmap !== 'function' || typeof web.OffscreenCanvas !== 'function') {
    throw new Error(
      'createImageBitmap and OffscreenCanvas are not available here: browserImageDecoder runs in a browser page or worker (in Node use sharpImageDecoder from @cnnkit/datasets/node)',
    );
  }
  return web as CanvasApis;
}

/**
 * The browser's own decoders, usable in a Web Worker: `createImageBitmap` (EXIF orientation
 * applied, colour managed to sRGB) crops the source rectangle of the resize policy and scales
 * it with `resizeQuality: 'high'`, and an `OffscreenCanvas` composites it over white and gives
 * the RGB bytes. Formats are whatever the browser decodes (JPEG, PNG, WebP, GIF's first frame,
 * AVIF, BMP; not TIFF). The pixel limit is checked from the file's header first.
 *
 * Browsers scale with their own filters, so pixels differ slightly from `sharpImageDecoder`'s
 * (Lanczos) in Node; the cache keeps them apart (`id`).
 *
 * @example
 * ```ts
 * const decoder = browserImageDecoder();
 * decoder.id; // 'browser-canvas-1'
 * ```
 */
export function browserImageDecoder(): ImageDecoder {
  return {
    id: 'browser-canvas-1',
    async decode(bytes: Uint8Array, target: DecodeTarget): Promise<Uint8Array> {
      let header: { width: number; height: number };
      try {
        header = imageSize(bytes);
      } catch (error) {
        const why = (error as Error).message;
        // image-size's own wording for a text file is "unsupported file type: undefined".
        throw new Error(
          /unsupported file type/i.test(why)
            ? 'not an image (no image format starts like this file)'
            : `not a readable image (its header is damaged: ${why})`,
        );
      }
      if (header.width * header.height > target.maxPixels) {
        throw new Error(
          `${formatCount(header.width)} × ${formatCount(header.height)} pixels, more than the ${formatCount(target.maxPixels)} an image may have`,
        );
      }
      const web = canvasApis();
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
      let full: Bitmap;
      try {
        full = await web.createImageBitmap(blob, {
          imageOrientation: 'from-image',
          premultiplyAlpha: 'none',
        });
      } catch (error) {
        throw new Error(`cannot decode the image (${(error as Error).message})`);
      }
      const { size } = target;
      const rect = sourceRect(full.width, full.height, target.resize);
      let scaled: Bitmap;
      try {
        scaled = await web.createImageBitmap(full, rect.x, rect.y, rect.width, rect.height, {
          resizeWidth: size,
          resizeHeight: size,
          resizeQuality: 'high',
          premultiplyAlpha: 'none',
        });
      } finally {
        full.close();
      }
      const canvas = new web.OffscreenCanvas(size, size);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (context === null) throw new Error('no 2D context for an OffscreenCanvas');
      // Transparent pixels over white, as image viewers show them (and rgbaToRgb does).
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, size, size);
      context.drawImage(scaled, 0, 0);
      scaled.close();
      const rgba = context.getImageData(0, 0, size, size).data;
      const rgb = new Uint8Array(size * size * 3);
      for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
        rgb[j] = rgba[i] as number;
        rgb[j + 1] = rgba[i + 1] as number;
        rgb[j + 2] = rgba[i + 2] as number;
      }
      return rgb;
    },
  };
}
