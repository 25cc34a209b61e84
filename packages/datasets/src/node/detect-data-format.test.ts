import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, tarEnd, tarEntry } from '../testing/tar-builder.js';
import { gzipParts } from '../testing/zeros-gzip.js';
import { detectDataFormat } from './detect-data-format.js';

let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-detect-format-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const pixel = new Uint8Array([1, 2, 3]);

describe('detectDataFormat', () => {
  it('tells CIFAR-10 directories from folders of class folders', async () => {
    const flat = join(work, 'flat');
    await mkdir(flat);
    await writeFile(join(flat, 'test_batch.bin'), pixel);
    const nested = join(work, 'nested');
    await mkdir(join(nested, 'cifar-10-batches-bin'), { recursive: true });
    await writeFile(join(nested, 'cifar-10-batches-bin', 'data_batch_1.bin'), pixel);
    const photos = join(work, 'photos');
    await mkdir(join(photos, 'cat'), { recursive: true });
    await writeFile(join(photos, 'cat', 'a.png'), pixel);

    expect(await detectDataFormat(flat)).toBe('cifar10');
    expect(await detectDataFormat(nested)).toBe('cifar10');
    expect(await detectDataFormat(photos)).toBe('image-folder');
  });

  it('tells CIFAR-10 archives from archives of class folders, gzipped or not', async () => {
    const cifarTar = concatBytes([
      tarEntry('cifar-10-batches-bin/test_batch.bin', pixel),
      tarEnd(),
    ]);
    const photosTar = concatBytes([tarEntry('photos/cat/a.png', pixel), tarEnd()]);
    const files: [string, Uint8Array][] = [
      ['cifar.tar', cifarTar],
      ['cifar.tar.gz', await gzipParts([cifarTar])],
      ['photos.tar.gz', await gzipParts([photosTar])],
      ['photos.zip', zipSync({ 'cat/a.png': pixel })],
    ];
    for (const [name, bytes] of files) await writeFile(join(work, name), bytes);

    expect(await detectDataFormat(join(work, 'cifar.tar'))).toBe('cifar10');
    expect(await detectDataFormat(join(work, 'cifar.tar.gz'))).toBe('cifar10');
    expect(await detectDataFormat(join(work, 'photos.tar.gz'))).toBe('image-folder');
    expect(await detectDataFormat(join(work, 'photos.zip'))).toBe('image-folder');
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO or a device at once instead of blocking on it',
    async () => {
      const fifo = join(work, 'data.tar.gz');
      execFileSync('mkfifo', [fifo]);
      await expect(detectDataFormat(fifo)).rejects.toThrow(
        `${fifo}: not a regular file (a FIFO); only regular files are read.`,
      );
      await expect(detectDataFormat('/dev/zero')).rejects.toThrow(
        '/dev/zero: not a regular file (a character device); only regular files are read.',
      );
    },
  );
});
