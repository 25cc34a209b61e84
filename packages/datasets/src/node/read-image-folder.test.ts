import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMessyImageFolder } from '../../scripts/make-messy-image-folder.mjs';
import type { ImageFolderProgress } from '../image-folder/image-folder-types.js';
import { readImageFolder } from './read-image-folder.js';

let work = '';
let messy = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-image-folder-'));
  messy = join(work, 'messy');
  await writeMessyImageFolder(messy);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SKIPPED = [
  'cat/link-broken.jpg',
  'cat/link-out.jpg',
  'fish/broken.jpg',
  'fish/empty.jpg',
  'fish/notes.txt',
  'loose.jpg',
];

describe('readImageFolder on a messy folder', () => {
  it('reads every image format, skips and reports what it cannot use, and caches', async () => {
    const cacheDir = join(work, 'cache');
    const progress: ImageFolderProgress[] = [];
    const data = await readImageFolder(messy, {
      cacheDir,
      onProgress: (p) => progress.push(p),
    });
    expect(data.classNames).toEqual(['cat', 'dog', 'fish']);
    expect(data.report.classes).toEqual([
      { name: 'cat', train: 5, val: 1 },
      { name: 'dog', train: 5, val: 1 },
      { name: 'fish', train: 4, val: 1 },
    ]);
    expect(data.report.split).toEqual({ kind: 'seeded', valSplit: 0.1, seed: 0 });
    expect(data.report.skipped.map((s) => s.path)).toEqual(SKIPPED);
    const reasons = Object.fromEntries(data.report.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['cat/link-out.jpg']).toBe(
      'a symbolic link to /etc/hostname, outside the folder; links are followed only inside it',
    );
    expect(reasons['fish/broken.jpg']).toMatch(/^cannot decode the image \(.*premature end/);
    expect(reasons['fish/empty.jpg']).toBe('the file is empty');
    expect(reasons['fish/notes.txt']).toBe('not an image (unknown or unsupported format)');
    expect(reasons['loose.jpg']).toBe(`not in a class folder: put it in ${messy}/<class>/`);
    expect(data.report.hiddenFiles).toBe(4);
    expect(data.report.decoded).toBe(17);
    // cat/link-in.tiff is dog/scan.tiff: the same bytes are decoded once, even in one run.
    expect(data.report.fromCache).toBe(1);
    expect([data.train.count, data.test.count]).toEqual([14, 3]);
    expect(data.train.images.length).toBe(14 * 32 * 32 * 3);
    expect(progress[0]).toEqual({ phase: 'indexing', files: 0 });
    expect(progress.at(-1)).toEqual({ phase: 'decoding', done: 20, total: 20, fromCache: 1 });

    const again = await readImageFolder(messy, { cacheDir });
    expect(again.report.fromCache).toBe(17);
    expect(again.train.images).toEqual(data.train.images);
    expect(again.test.labels).toEqual(data.test.labels);
    // One file per decoded image, in folders named by the hash's first two characters.
    const shards = await readdir(join(cacheDir, 'decoded-images'));
    expect(shards.every((s) => /^[0-9a-f]{2}$/.test(s))).toBe(true);
  });

  it('is an error with strict, naming the first file', async () => {
    await expect(readImageFolder(messy, { cacheDir: null, strict: true })).rejects.toThrow(
      /^.*messy\/(cat\/link-|fish\/).*\(strict: /,
    );
  });

  it('reads the same images from a .zip, a .tar and a .tar.gz of the folder', async () => {
    const direct = await readImageFolder(messy, { cacheDir: null });
    const tar = join(work, 'messy.tar');
    const tgz = join(work, 'messy.tar.gz');
    // tar keeps the links as links: they are refused from the archive as they are on disk.
    execFileSync('tar', ['-cf', tar, '-C', work, 'messy']);
    execFileSync('tar', ['-czf', tgz, '-C', work, 'messy']);
    const zip = join(work, 'messy.zip');
    const { readFile } = await import('node:fs/promises');
    const entries: Record<string, Uint8Array> = {};
    for (const path of [
      'cat/photo.jpg',
      'cat/grey.png',
      'dog/16-bit.png',
      'dog/scan.tiff',
      'fish/tiny.png',
      'fish/notes.txt',
    ]) {
      entries[`messy/${path}`] = new Uint8Array(await readFile(join(messy, path)));
    }
    await writeFile(zip, zipSync(entries));
    const fromTar = await readImageFolder(tar, { cacheDir: null });
    const fromTgz = await readImageFolder(tgz, { cacheDir: null });
    for (const packed of [fromTar, fromTgz]) {
      expect(packed.classNames).toEqual(direct.classNames);
      expect(packed.report.root).toBe('messy');
      // tar keeps links as links, refused from an archive as a link out of the folder is
      // on disk: cat/link-in.tiff is one image fewer than the folder itself gives.
      expect(packed.report.classes).toEqual([
        { name: 'cat', train: 4, val: 1 },
        { name: 'dog', train: 5, val: 1 },
        { name: 'fish', train: 4, val: 1 },
      ]);
      expect(packed.report.skipped.map((s) => s.path)).toEqual(
        [...SKIPPED.slice(0, 1), 'cat/link-in.tiff', ...SKIPPED.slice(1)].map((p) => `messy/${p}`),
      );
      expect(packed.report.skipped.find((s) => s.path === 'messy/cat/link-out.jpg')?.reason).toBe(
        'a symbolic link, not a file',
      );
      expect(packed.report.hiddenFiles).toBe(4);
    }
    expect(Buffer.from(fromTgz.train.images).equals(Buffer.from(fromTar.train.images))).toBe(true);
    // The same decoder on the same bytes: the dog images are the folder's, pixel for pixel.
    const dogs = (data: typeof direct) =>
      Buffer.from(
        data.train.images.filter((_, i) => data.train.labels[Math.floor(i / 3072)] === 1),
      );
    expect(dogs(fromTar).equals(dogs(direct))).toBe(true);
    const zipped = await readImageFolder(zip, { cacheDir: null });
    expect(zipped.report.classes).toEqual([
      { name: 'cat', train: 1, val: 1 },
      { name: 'dog', train: 1, val: 1 },
      { name: 'fish', train: 1, val: 0 },
    ]);
    expect(zipped.report.skipped).toEqual([
      { path: 'messy/fish/notes.txt', reason: 'not an image (unknown or unsupported format)' },
    ]);
  });

  it('uses train/ and val/ folders, and evaluates only val/', async () => {
    const split = join(work, 'split');
    for (const [part, cls, name] of [
      ['train', 'cat', 'photo.jpg'],
      ['train', 'cat', 'grey.png'],
      ['train', 'dog', 'scan.tiff'],
      ['val', 'cat', 'cmyk.jpg'],
      ['val', 'dog', 'photo.avif'],
    ] as const) {
      await mkdir(join(split, part, cls), { recursive: true });
      const source = join(messy, cls === 'cat' ? 'cat' : 'dog', name);
      await writeFile(
        join(split, part, cls, name),
        await (await import('node:fs/promises')).readFile(source),
      );
    }
    const training = await readImageFolder(split, { cacheDir: null });
    expect(training.report.split).toEqual({ kind: 'folders', train: 'train', val: 'val' });
    expect([training.train.count, training.test.count]).toEqual([3, 2]);
    const evaluation = await readImageFolder(split, { cacheDir: null, use: 'evaluation' });
    expect([evaluation.train.count, evaluation.test.count]).toEqual([0, 2]);
    expect(evaluation.report.decoded).toBe(2);
    const valOnly = await readImageFolder(join(split, 'val'), {
      cacheDir: null,
      use: 'evaluation',
    });
    expect(valOnly.report.split).toEqual({ kind: 'none' });
    expect(valOnly.test.count).toBe(2);
    expect(valOnly.test.images).toEqual(evaluation.test.images);
  });

  it('names a missing folder', async () => {
    await expect(readImageFolder(join(work, 'nope'), { cacheDir: null })).rejects.toThrow(
      /nope: no such folder or file\.$/,
    );
  });
});
