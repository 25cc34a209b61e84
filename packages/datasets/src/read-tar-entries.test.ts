import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSafeEntryPath } from './archive-entry-path.js';
import { cifar10FromArchiveBytes } from './cifar10-from-archive-bytes.js';
import { readTarEntries } from './read-tar-entries.js';
import {
  packCifar10Archive,
  syntheticCifar10Files,
  writeCifar10Directory,
} from './testing/synthetic-cifar10.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnnkit-tar-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeArchive(name: string, extraEntries: string[] = []): Promise<Uint8Array> {
  const dir = join(root, name);
  await mkdir(join(dir, 'inner'), { recursive: true });
  await writeCifar10Directory(
    join(dir, 'inner'),
    syntheticCifar10Files({ train: [[1, 2], [3]], test: [4] }),
  );
  await writeFile(join(dir, 'outside.txt'), 'not CIFAR');
  const archive = join(dir, 'archive.tar.gz');
  await packCifar10Archive(join(dir, 'inner'), archive, extraEntries);
  return new Uint8Array(await readFile(archive));
}

describe('readTarEntries', () => {
  it('lists regular files by path, with their bytes', async () => {
    const tar = gunzipSync(await makeArchive('plain'));
    const entries = readTarEntries(tar, 'archive.tar');
    expect([...entries.keys()].sort()).toEqual([
      'cifar-10-batches-bin/batches.meta.txt',
      'cifar-10-batches-bin/data_batch_1.bin',
      'cifar-10-batches-bin/data_batch_2.bin',
      'cifar-10-batches-bin/test_batch.bin',
    ]);
    expect(entries.get('cifar-10-batches-bin/data_batch_1.bin')?.length).toBe(2 * 3073);
  });

  it('refuses an entry whose path escapes, naming it', async () => {
    const tar = gunzipSync(await makeArchive('escape', ['../outside.txt']));
    expect(() => readTarEntries(tar, 'evil.tar')).toThrow(
      'evil.tar: refusing archive entry "../outside.txt": its path is absolute or contains ".."',
    );
  });

  it('reports a truncated tar and a corrupt header', async () => {
    const tar = gunzipSync(await makeArchive('cut'));
    const header = Buffer.from(tar).indexOf('cifar-10-batches-bin/data_batch_1.bin');
    expect(header % 512).toBe(0);
    expect(() => readTarEntries(tar.subarray(0, header + 512 + 100), 'cut.tar')).toThrow(
      'claims 6146 bytes but the archive ends at',
    );
    const corrupt = tar.slice();
    corrupt[10] = (corrupt[10] as number) ^ 0xff;
    expect(() => readTarEntries(corrupt, 'bad.tar')).toThrow(
      'tar header at byte 0 has a bad checksum',
    );
  });
});

describe('cifar10FromArchiveBytes', () => {
  it('reads a .tar.gz in memory', async () => {
    const { train, test } = cifar10FromArchiveBytes(await makeArchive('read'), 'sample.tar.gz');
    expect([...train.labels]).toEqual([1, 2, 3]);
    expect(test.count).toBe(1);
    expect(train.classNames).toHaveLength(10);
  });

  it('says how to recover from a cut-off download', async () => {
    const archive = await makeArchive('partial');
    expect(() =>
      cifar10FromArchiveBytes(archive.subarray(0, archive.length - 20), 'c.tar.gz'),
    ).toThrow('c.tar.gz: cannot decompress');
  });
});

describe('assertSafeEntryPath', () => {
  it('runs the doc example', () => {
    expect(() =>
      assertSafeEntryPath('cifar-10-batches-bin/test_batch.bin', 'cifar.tar.gz'),
    ).not.toThrow();
    expect(() => assertSafeEntryPath('../evil.sh', 'cifar.tar.gz')).toThrow('"../evil.sh"');
  });

  it.each(['/etc/passwd', 'a/../../b', 'C:/x', 'a\\..\\b'])('refuses %s', (path) => {
    expect(() => assertSafeEntryPath(path, 'a.tar')).toThrow('refusing archive entry');
  });
});
