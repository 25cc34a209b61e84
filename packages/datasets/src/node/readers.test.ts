import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  packCifar10Archive,
  syntheticCifar10Files,
  syntheticImages,
  writeCifar10Directory,
} from '../testing/synthetic-cifar10.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { findCachedCifar10 } from './find-cached-cifar10.js';
import { openCifar10 } from './open-cifar10.js';
import { readCifar10Archive } from './read-cifar10-archive.js';
import { readCifar10Directory } from './read-cifar10-directory.js';

let root: string;
let dataDir: string;
let archive: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnnkit-readers-'));
  dataDir = await writeCifar10Directory(
    root,
    syntheticCifar10Files({ train: [[0, 1], [2]], test: [3, 4, 5] }),
  );
  archive = join(root, 'cifar.tar.gz');
  await packCifar10Archive(root, archive);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readCifar10Directory', () => {
  it('reads the cifar-10-batches-bin directory or its parent', async () => {
    for (const dir of [dataDir, root]) {
      const { train, test } = await readCifar10Directory(dir);
      expect([...train.labels]).toEqual([0, 1, 2]);
      expect([...test.labels]).toEqual([3, 4, 5]);
      expect(test.images.subarray(0, 3072)).toEqual(syntheticImages(3, 99).subarray(0, 3072));
    }
  });

  it('names the directory it cannot read', async () => {
    await expect(readCifar10Directory(join(root, 'nope'))).rejects.toThrow(
      `Cannot read CIFAR-10 directory ${join(root, 'nope')}`,
    );
  });

  it('names a bad file with its directory', async () => {
    const bad = join(root, 'bad');
    const dir = await writeCifar10Directory(
      bad,
      syntheticCifar10Files({ train: [[1]], test: [2] }),
    );
    await writeFile(join(dir, 'data_batch_1.bin'), new Uint8Array(3073 * 10 + 1));
    await expect(readCifar10Directory(bad)).rejects.toThrow(
      `${dir}/data_batch_1.bin: size 30,731 bytes is not a multiple of 3,073`,
    );
  });
});

describe('readCifar10Archive and openCifar10', () => {
  it('read the same data from an archive and from a directory', async () => {
    const fromArchive = await readCifar10Archive(archive);
    const opened = await openCifar10(archive);
    const fromDir = await openCifar10(dataDir);
    expect(fromArchive.train.images).toEqual(fromDir.train.images);
    expect(opened.test.labels).toEqual(fromDir.test.labels);
  });

  it('say what to pass when nothing is there', async () => {
    await expect(openCifar10(join(root, 'missing.tar.gz'))).rejects.toThrow(
      `No CIFAR-10 data at ${join(root, 'missing.tar.gz')}: give an extracted cifar-10-batches-bin directory or a cifar-10-binary.tar.gz file`,
    );
  });

  it('report a file that is not gzip data', async () => {
    const fake = join(root, 'fake.tar.gz');
    await writeFile(fake, Uint8Array.of(0x1f, 0x8b, 1, 2, 3));
    await expect(readCifar10Archive(fake)).rejects.toThrow(`${fake}: cannot decompress`);
  });
});

describe('defaultCacheDir', () => {
  it('follows each platform and the CNNKIT_CACHE_DIR override', () => {
    expect(defaultCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/cnnkit');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/ada')).toBe('/xdg/cnnkit');
    expect(defaultCacheDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/cnnkit');
    expect(
      defaultCacheDir({ LOCALAPPDATA: 'C:/Users/ada/AppData/Local' }, 'win32', 'C:/Users/ada'),
    ).toBe(join('C:/Users/ada/AppData/Local', 'cnnkit'));
    expect(defaultCacheDir({ CNNKIT_CACHE_DIR: '/big/disk' }, 'linux', '/home/ada')).toBe(
      '/big/disk',
    );
  });

  it('runs the doc example', () => {
    expect(defaultCacheDir()).toMatch(/cnnkit/);
  });
});

describe('findCachedCifar10', () => {
  it('is null for a cache without the completion marker', async () => {
    const cache = join(root, 'cache');
    await mkdir(join(cache, 'cifar-10', 'cifar-10-batches-bin'), { recursive: true });
    expect(await findCachedCifar10(cache)).toBeNull();
    await writeFile(join(cache, 'cifar-10', 'complete.json'), '{}');
    expect(await findCachedCifar10(cache)).toBe(join(cache, 'cifar-10', 'cifar-10-batches-bin'));
  });
});
