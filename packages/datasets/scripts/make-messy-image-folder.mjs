#!/usr/bin/env node
// Writes a deliberately messy image folder, the kind users have: many formats and sizes, an
// EXIF-rotated photo, grey, CMYK, 16-bit and transparent images, nested folders, a corrupt
// JPEG, an empty file, a text file, hidden and system files, a file outside any class folder,
// and symbolic links into and out of the folder. cnnkit's tests train on it.
//
//   node packages/datasets/scripts/make-messy-image-folder.mjs <dir>
//
// Expected: classes cat, dog, fish; 17 usable images (cat 6, dog 6, fish 5); 6 files skipped
// (cat/link-out.jpg, fish/broken.jpg, fish/empty.jpg, fish/notes.txt, loose.jpg,
// cat/link-broken.jpg); 4 hidden or system files ignored.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';

/**
 * A smooth pattern whose colour says the class, so a model can learn something from it.
 * @param {number} width
 * @param {number} height
 * @param {readonly [number, number, number]} hue
 * @param {3 | 4} channels
 */
function pattern(width, height, hue, channels = 3) {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const wave = Math.round(60 * Math.sin((x + y) / 7));
      const rgb = [hue[0] + wave, hue[1] - wave, hue[2] + ((x * 3) % 40)];
      for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, rgb[c] ?? 0));
      if (channels === 4) data[i + 3] = x < width / 2 ? 255 : 0;
    }
  }
  return data;
}

/**
 * @param {number} width
 * @param {number} height
 * @param {readonly [number, number, number]} hue
 * @param {3 | 4} channels
 */
const raw = (width, height, hue, channels = 3) =>
  sharp(pattern(width, height, hue, channels), { raw: { width, height, channels } });

/** @type {Record<'cat' | 'dog' | 'fish', [number, number, number]>} */
const HUES = { cat: [200, 120, 40], dog: [40, 160, 200], fish: [90, 200, 90] };

/**
 * Writes the messy folder into `root` (created as needed).
 * @param {string} root
 */
export async function writeMessyImageFolder(root) {
  const files = {
    'cat/photo.jpg': () => raw(500, 375, HUES.cat).jpeg({ quality: 85 }).toBuffer(),
    // Stored 60×40 on its side; EXIF orientation 6 turns it upright to 40×60.
    'cat/rotated.jpg': () =>
      raw(60, 40, HUES.cat).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    'cat/grey.png': () => raw(48, 48, HUES.cat).greyscale().png().toBuffer(),
    'cat/cmyk.jpg': () => raw(64, 64, HUES.cat).toColourspace('cmyk').jpeg().toBuffer(),
    'cat/nested/deeper/photo.webp': () => raw(120, 90, HUES.cat).webp().toBuffer(),
    'dog/16-bit.png': () => raw(64, 48, HUES.dog).toColourspace('rgb16').png().toBuffer(),
    'dog/transparent.png': () => raw(40, 40, HUES.dog, 4).png().toBuffer(),
    'dog/first-frame.gif': () => raw(50, 50, HUES.dog).gif().toBuffer(),
    'dog/photo.avif': () => raw(96, 64, HUES.dog).avif({ quality: 60 }).toBuffer(),
    'dog/scan.tiff': () => raw(70, 70, HUES.dog).tiff().toBuffer(),
    'dog/paint.bmp': async () => {
      const rgba = pattern(33, 20, HUES.dog, 4);
      // bmp-ts takes ABGR bytes.
      const abgr = Buffer.alloc(rgba.length);
      for (let i = 0; i < rgba.length; i += 4) {
        abgr[i] = 255;
        abgr[i + 1] = rgba[i + 2] ?? 0;
        abgr[i + 2] = rgba[i + 1] ?? 0;
        abgr[i + 3] = rgba[i] ?? 0;
      }
      return encodeBmp({ data: abgr, width: 33, height: 20, bitPP: 24 }).data;
    },
    'fish/tiny.png': () => raw(10, 10, HUES.fish).png().toBuffer(),
    'fish/panorama.jpg': () => raw(800, 100, HUES.fish).jpeg().toBuffer(),
    'fish/photo.jpg': () => raw(300, 200, HUES.fish).jpeg().toBuffer(),
    'fish/nested/photo.png': () => raw(64, 64, HUES.fish).png().toBuffer(),
    'fish/photo2.webp': () => raw(100, 100, HUES.fish).webp().toBuffer(),
    'fish/broken.jpg': async () => {
      const jpeg = await raw(200, 200, HUES.fish).jpeg().toBuffer();
      return jpeg.subarray(0, Math.floor(jpeg.length / 2));
    },
    'fish/empty.jpg': async () => Buffer.alloc(0),
    'fish/notes.txt': async () => Buffer.from('photos of fish, taken at the aquarium\n'),
    'loose.jpg': () => raw(32, 32, HUES.cat).jpeg().toBuffer(),
    '.DS_Store': async () => Buffer.from([0, 0, 0, 1]),
    'fish/._photo.jpg': async () => Buffer.from('AppleDouble'),
    '__MACOSX/fish/._photo.jpg': async () => Buffer.from('AppleDouble'),
    'dog/Thumbs.db': async () => Buffer.from('thumbnails'),
  };
  for (const [path, make] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, await make());
  }
  await symlink('../dog/scan.tiff', join(root, 'cat/link-in.tiff'));
  await symlink('/etc/hostname', join(root, 'cat/link-out.jpg'));
  await symlink('does-not-exist.jpg', join(root, 'cat/link-broken.jpg'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: make-messy-image-folder.mjs <dir>\n');
    process.exit(2);
  }
  await writeMessyImageFolder(dir);
}
