import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCifar10Files, writeCifar10Directory } from '../testing/synthetic-cifar10.js';
import { tarHeader } from '../testing/tar-builder.js';
import { gzipPartsToFile } from '../testing/zeros-gzip.js';
import { openCifar10 } from './open-cifar10.js';
import { readCifar10Archive } from './read-cifar10-archive.js';
import { readCifar10Directory } from './read-cifar10-directory.js';

// Files an adversarial user points the readers at: each must fail at once, naming the file and
// the limit, before anything is allocated for it. (Peak memory is measured on the CLI, in
// apps/cli/src/hostile-inputs/.)

let root: string;
const posix = process.platform !== 'win32';

/** A small valid layout in `<root>/<name>/cifar-10-batches-bin`, returned. */
async function layout(name: string): Promise<string> {
  return writeCifar10Directory(
    join(root, name),
    syntheticCifar10Files({ train: [[1, 2]], test: [3] }),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!posix || !existsSync('/dev/zero'))('devices', () => {
  it('a data directory whose test_batch.bin links to /dev/zero', async () => {
    const dir = await layout('zero-link');
    await rm(join(dir, 'test_batch.bin'));
    await symlink('/dev/zero', join(dir, 'test_batch.bin'));
    await expect(readCifar10Directory(dir)).rejects.toThrow(
      `${join(dir, 'test_batch.bin')}: not a regular file (a character device); only regular files are read.`,
    );
  });

  it('/dev/zero as the archive', async () => {
    await expect(openCifar10('/dev/zero')).rejects.toThrow(
      '/dev/zero: not a regular file (a character device); only regular files are read.',
    );
  });
});

describe.skipIf(!posix)('FIFOs (which would block a reader for ever)', () => {
  it('as the archive and as a file of the directory, failing at once', async () => {
    const fifo = join(root, 'cifar.tar.gz');
    execFileSync('mkfifo', [fifo]);
    await expect(openCifar10(fifo)).rejects.toThrow(`${fifo}: not a regular file (a FIFO)`);
    const dir = await layout('fifo');
    await rm(join(dir, 'data_batch_1.bin'));
    execFileSync('mkfifo', [join(dir, 'data_batch_1.bin')]);
    await expect(readCifar10Directory(dir)).rejects.toThrow(
      `${join(dir, 'data_batch_1.bin')}: not a regular file (a FIFO)`,
    );
  }, 10_000); // a reader that opens the FIFO blocks until this fails
});

describe('sizes are checked before reading', () => {
  it('a 9 GB sparse archive: the error names the file and the limit', async () => {
    const big = join(root, 'big.tar.gz');
    await writeFile(big, '');
    await truncate(big, 9_000_000_000);
    await expect(readCifar10Archive(big)).rejects.toThrow(
      `${big}: 9,000,000,000 bytes, more than a CIFAR-10 archive holds (at most 200,000,000 bytes); it is not a CIFAR-10 archive.`,
    );
  });

  it('a 2 GB sparse test_batch.bin in a directory', async () => {
    const dir = await layout('sparse');
    await truncate(join(dir, 'test_batch.bin'), 3073 * 650_000);
    await expect(readCifar10Directory(dir)).rejects.toThrow(
      `${join(dir, 'test_batch.bin')}: 1,997,450,000 bytes, more than a CIFAR-10 test_batch.bin holds (at most 30,730,000 bytes (10,000 records of 3,073 bytes)); it is not CIFAR-10 binary.`,
    );
  });

  it('a small .tar.gz holding a test_batch.bin of 2 GB of zero records', async () => {
    // What the issue measured at 8.6 GB RSS: now refused at the entry's header.
    const archive = join(root, 'zeros.tar.gz');
    await gzipPartsToFile(
      [
        tarHeader({ path: 'cifar-10-batches-bin/test_batch.bin', size: 3073 * 650_000 }),
        50_000_000,
      ],
      archive,
    );
    await expect(readCifar10Archive(archive)).rejects.toThrow(
      `${archive}: archive entry "cifar-10-batches-bin/test_batch.bin" is 1,997,450,000 bytes, more than a CIFAR-10 test_batch.bin holds`,
    );
  });

  it('a gzip bomb of 1 GB: reading stops at 200,000,000 unpacked bytes', async () => {
    const bomb = join(root, 'bomb.tar.gz');
    await gzipPartsToFile([1_000_000_000], bomb);
    await expect(readCifar10Archive(bomb)).rejects.toThrow(
      `${bomb}: unpacks to more than 200,000,000 bytes, the most a CIFAR-10 archive holds; stopped reading.`,
    );
  });
});
