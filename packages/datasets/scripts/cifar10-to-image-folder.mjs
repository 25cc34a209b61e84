#!/usr/bin/env node
// Writes CIFAR-10 (the official binary archive, an extracted directory or the embedded sample)
// as an image folder of PNGs, so that cnnkit's image-folder path can be checked against the
// binary reader on the same pixels (PNG is lossless):
//
//   node packages/datasets/scripts/cifar10-to-image-folder.mjs <cifar-10-binary.tar.gz|dir> <out>
//
// <out>/train/<class>/<index>.png and <out>/test/<class>/<index>.png, <index> being the
// image's position in its split, zero-padded to five digits. An image folder's images are
// ordered by file name (then class), so the folder keeps the binary files' order exactly, and
// training on it with the same seed gives the same weights. Needs `pnpm build` (it imports the
// built @cnnkit/datasets) and sharp.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openCifar10 } from '@cnnkit/datasets/node';
import sharp from 'sharp';

/**
 * Writes one split's images as PNG files; returns how many.
 * @param {import('@cnnkit/datasets').ImageDataset} dataset
 * @param {string} dir
 */
async function writeSplit(dataset, dir) {
  const { height, width, channels } = dataset;
  const bytes = height * width * channels;
  for (const name of dataset.classNames) await mkdir(join(dir, name), { recursive: true });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < dataset.count; i = next++) {
      const pixels = dataset.images.subarray(i * bytes, (i + 1) * bytes);
      const png = await sharp(pixels, {
        raw: { width, height, channels: /** @type {3} */ (channels) },
      })
        .png()
        .toBuffer();
      const label = /** @type {number} */ (dataset.labels[i]);
      const name = /** @type {string} */ (dataset.classNames[label]);
      await writeFile(join(dir, name, `${String(i).padStart(5, '0')}.png`), png);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() * 2 }, worker));
  return dataset.count;
}

/**
 * @param {string} source a cifar-10-binary.tar.gz or an extracted directory
 * @param {string} out the folder to write (train/ and test/ are made in it)
 */
export async function writeCifar10ImageFolder(source, out) {
  const { train, test } = await openCifar10(source);
  return {
    train: await writeSplit(train, join(out, 'train')),
    test: await writeSplit(test, join(out, 'test')),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [source, out] = process.argv.slice(2);
  if (!source || !out) {
    process.stderr.write('usage: cifar10-to-image-folder.mjs <cifar-10-binary.tar.gz|dir> <out>\n');
    process.exit(2);
  }
  const started = performance.now();
  const counts = await writeCifar10ImageFolder(source, out);
  process.stderr.write(
    `wrote ${counts.train} training and ${counts.test} test images to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
