import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, readImageFile } from './image-file.js';

function solidPng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set(rgba, i * 4);
  return PNG.sync.write(png);
}

describe('decodeImage', () => {
  it('decodes PNG and composites transparency over white', () => {
    const img = decodeImage(solidPng(3, 2, [255, 0, 0, 255]), 'red.png');
    expect([img.width, img.height]).toEqual([3, 2]);
    expect([...img.pixels.slice(0, 3)]).toEqual([255, 0, 0]);
    const clear = decodeImage(solidPng(1, 1, [0, 0, 0, 0]), 'clear.png');
    expect([...clear.pixels]).toEqual([255, 255, 255]);
  });

  it('decodes JPEG by signature, whatever the name', () => {
    const data = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < 256; i++) data.set([0, 0, 200, 255], i * 4);
    const encoded = jpeg.encode({ data, width: 16, height: 16 }, 95).data;
    const img = decodeImage(encoded, 'photo.png');
    expect(img.width).toBe(16);
    expect(Math.abs((img.pixels[2] as number) - 200)).toBeLessThan(6);
  });

  it('names the file when it is neither PNG nor JPEG', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a'), 'cat.gif')).toThrow(
      /cat\.gif: not a PNG or JPEG/,
    );
  });
});

describe('readImageFile', () => {
  it('reads and resizes a file, and reports a missing one by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnnkit-img-'));
    const file = join(dir, 'big.png');
    await writeFile(file, solidPng(64, 48, [10, 20, 30, 255]));
    const img = await readImageFile(file, 32);
    expect([img.width, img.height, img.pixels.length]).toEqual([32, 32, 32 * 32 * 3]);
    await expect(readImageFile(join(dir, 'nope.png'), 32)).rejects.toThrow(
      /nope\.png: no such file/,
    );
  });
});
