import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { writeBlackPng } from './hostile-inputs/hostile-input-files.js';
import { decodeImage, readImageFile } from './image-file.js';

function solidPng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set(rgba, i * 4);
  return PNG.sync.write(png);
}

const target = { size: 32, resize: 'squash' } as const;

describe('decodeImage', () => {
  it('decodes PNG to the model size and composites transparency over white', async () => {
    const red = await decodeImage(solidPng(3, 2, [255, 0, 0, 255]), 'red.png', target);
    expect(red.length).toBe(32 * 32 * 3);
    expect([...red.slice(0, 3)]).toEqual([255, 0, 0]);
    const clear = await decodeImage(solidPng(1, 1, [0, 0, 0, 0]), 'clear.png', target);
    expect([...clear.slice(0, 3)]).toEqual([255, 255, 255]);
  });

  it('decodes JPEG by signature, whatever the name', async () => {
    const data = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < 256; i++) data.set([0, 0, 200, 255], i * 4);
    const encoded = jpeg.encode({ data, width: 16, height: 16 }, 95).data;
    const img = await decodeImage(encoded, 'photo.png', target);
    expect(Math.abs((img[2] as number) - 200)).toBeLessThan(6);
  });

  it('crops the centre with shorter-side and keeps the whole with squash', async () => {
    // 4×2: a red left half and a blue right half; a 2×2 centre crop is half of each.
    const png = new PNG({ width: 4, height: 2 });
    for (let i = 0; i < 8; i++)
      png.data.set(i % 4 < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
    const bytes = PNG.sync.write(png);
    const crop = await decodeImage(bytes, 'wide.png', { size: 2, resize: 'shorter-side' });
    expect([...crop.slice(0, 3)]).toEqual([255, 0, 0]);
    expect([...crop.slice(3, 6)]).toEqual([0, 0, 255]);
  });

  it('names the file when it is not an image', async () => {
    await expect(
      decodeImage(new TextEncoder().encode('just some text'), 'notes.jpg', target),
    ).rejects.toThrow(
      'notes.jpg: not an image cnnkit reads (JPEG, PNG, WebP, GIF, AVIF, TIFF or BMP); convert it to one of those formats.',
    );
  });
});

describe('readImageFile', () => {
  it('reads and resizes a file, and reports a missing one by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnnkit-img-'));
    const file = join(dir, 'big.png');
    await writeFile(file, solidPng(64, 48, [10, 20, 30, 255]));
    const img = await readImageFile(file, target);
    expect(img.length).toBe(32 * 32 * 3);
    expect([...img.slice(0, 3)]).toEqual([10, 20, 30]);
    await expect(readImageFile(join(dir, 'nope.png'), target)).rejects.toThrow(
      /nope\.png: no such file/,
    );
  });
});

describe('image limits, checked from the header before decoding', () => {
  it('refuses a JPEG whose header claims 20000×20000 pixels, naming its size and the cap', async () => {
    const data = Buffer.alloc(16 * 16 * 4, 200);
    const encoded = Buffer.from(jpeg.encode({ data, width: 16, height: 16 }, 90).data);
    // SOF0 (FF C0): length (2 bytes), precision (1), then height and width (2 bytes each).
    const sof = encoded.indexOf(Buffer.from([0xff, 0xc0]));
    encoded.writeUInt16BE(20_000, sof + 5);
    encoded.writeUInt16BE(20_000, sof + 7);
    await expect(decodeImage(encoded, 'huge.jpg', target)).rejects.toThrow(
      'huge.jpg: 20,000 × 20,000 pixels (400 megapixels) is more than predict decodes (at most 25 megapixels); shrink the image first.',
    );
  });

  it('refuses a PNG whose header claims more than 25 megapixels', async () => {
    const png = solidPng(2, 2, [1, 2, 3, 255]);
    // IHDR's width and height are at bytes 16 and 20; the decoder is never reached.
    png.writeUInt32BE(10_000, 16);
    png.writeUInt32BE(6_000, 20);
    await expect(decodeImage(png, 'wide.png', target)).rejects.toThrow(
      'wide.png: 10,000 × 6,000 pixels (60 megapixels) is more than predict decodes',
    );
  });

  it('decodes an interlaced PNG whose data fits its size, and refuses one byte more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnnkit-img-'));
    // 9×7 RGB in Adam7's seven passes: 203 bytes of rows with their filter bytes.
    await writeBlackPng(join(dir, 'fits.png'), 9, 7, { interlacedDataBytes: 203 });
    const img = await readImageFile(join(dir, 'fits.png'), target);
    expect([img.length, Math.max(...img)]).toEqual([32 * 32 * 3, 0]);
    await writeBlackPng(join(dir, 'over.png'), 9, 7, { interlacedDataBytes: 204 });
    await expect(readImageFile(join(dir, 'over.png'), target)).rejects.toThrow(
      'over.png: cannot decode the image (its interlaced image data unpacks to more than the 203 bytes a 9×7 image holds).',
    );
  });
});
