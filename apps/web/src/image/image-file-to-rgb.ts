import { type RgbImage, resizeArea, rgbaToRgb } from '@cnnkit/datasets';

/** Largest side decoded at full size; bigger photos are first scaled down by the browser. */
const MAX_DECODE_SIDE = 1024;

/**
 * Decodes any image the browser can (PNG, JPEG, WebP, GIF, …) and area-resizes it to
 * `size`×`size` RGB. Throws a message naming the file when it is not an image.
 */
export async function imageFileToRgb(file: Blob, name: string, size = 32): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${name}: not an image this browser can decode; use a PNG or JPEG.`);
  }
  // Huge photos: let the browser's decoder shrink them first so the area average stays quick.
  const scale = Math.min(1, MAX_DECODE_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot draw images into a canvas');
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  return resizeArea(rgbaToRgb(rgba, width, height), size, size);
}
