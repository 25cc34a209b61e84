import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cifar10FromArchiveBytes } from './cifar10-from-archive-bytes.js';
import { cifar10FromArchiveStream } from './cifar10-from-archive-stream.js';
import { syntheticCifar10Files } from './testing/synthetic-cifar10.js';
import { concatBytes, tarEnd, tarEntry, tarHeader } from './testing/tar-builder.js';
import { gzipZeros } from './testing/zeros-gzip.js';

const files = syntheticCifar10Files({ train: [[1, 2], [3]], test: [4] });

/** A tar of the small layout under cifar-10-batches-bin/, plus `extra` blocks before its end. */
function layoutTar(extra: Uint8Array[] = []): Uint8Array {
  return concatBytes([
    ...[...files].map(([name, bytes]) => tarEntry(`cifar-10-batches-bin/${name}`, bytes)),
    ...extra,
    tarEnd(),
  ]);
}

const gzip = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('cifar10FromArchiveBytes and cifar10FromArchiveStream', () => {
  it('read a .tar.gz and a plain .tar, from bytes and as a stream', async () => {
    const tar = layoutTar();
    const results = [
      cifar10FromArchiveBytes(gzip(tar), 'sample.tar.gz'),
      cifar10FromArchiveBytes(tar, 'sample.tar'),
      await cifar10FromArchiveStream(chunksOf(gzip(tar), 1), 'sample.tar.gz'),
      await cifar10FromArchiveStream(
        new Blob([gzip(tar) as Uint8Array<ArrayBuffer>]).stream(),
        'sample.tar.gz',
      ),
      await cifar10FromArchiveStream(chunksOf(tar, 1000), 'sample.tar'),
    ];
    for (const { train, test } of results) {
      expect([...train.labels]).toEqual([1, 2, 3]);
      expect([...test.labels]).toEqual([4]);
      expect(train.classNames).toHaveLength(10);
    }
    expect(results[2]?.train.images).toEqual(results[0]?.train.images);
  });

  it('say how to recover from a cut-off download and name an empty file', async () => {
    const archive = gzip(layoutTar());
    const cut = archive.subarray(0, archive.length - 20);
    expect(() => cifar10FromArchiveBytes(cut, 'c.tar.gz')).toThrow(
      'c.tar.gz: cannot decompress (unexpected EOF); the file is incomplete or not a .tar.gz.',
    );
    await expect(cifar10FromArchiveStream(chunksOf(cut, 4096), 'c.tar.gz')).rejects.toThrow(
      'c.tar.gz: cannot decompress',
    );
    expect(() => cifar10FromArchiveBytes(new Uint8Array(0), 'e.tar.gz')).toThrow(
      'e.tar.gz: the file is empty.',
    );
  });
});

describe('hostile archives are refused before they fill the memory', () => {
  it('a batch file larger than 10,000 records, at its header', () => {
    // The header claims 2 GB of records; the bytes never come, so refusing cannot have read them.
    const tar = concatBytes([
      tarHeader({ path: 'cifar-10-batches-bin/test_batch.bin', size: 2_000_000_000 }),
      new Uint8Array(3073),
    ]);
    expect(() => cifar10FromArchiveBytes(gzip(tar), 'zeros.tar.gz')).toThrow(
      'zeros.tar.gz: archive entry "cifar-10-batches-bin/test_batch.bin" is 2,000,000,000 bytes, more than a CIFAR-10 test_batch.bin holds (at most 30,730,000 bytes (10,000 records of 3,073 bytes)); refused before reading it.',
    );
  });

  it('a class-name file larger than 64 KiB', () => {
    const alone = concatBytes([tarEntry('batches.meta.txt', new Uint8Array(70_000)), tarEnd()]);
    expect(() => cifar10FromArchiveBytes(alone, 'a.tar')).toThrow(
      'is 70,000 bytes, more than a CIFAR-10 batches.meta.txt holds (at most 65,536 bytes (ten class names))',
    );
  });

  it('an extra entry of 10 GiB, at its header', () => {
    const tar = layoutTar([tarHeader({ path: 'extra.bin', size: 10 * 2 ** 30, base256: true })]);
    expect(() => cifar10FromArchiveBytes(gzip(tar), 'extra.tar.gz')).toThrow(
      'extra.tar.gz: archive entry "extra.bin" claims 10,737,418,240 bytes, more than a whole CIFAR-10 archive holds (200,000,000 bytes); refused before reading it.',
    );
  });

  it('a gzip bomb: reading stops once 200,000,000 bytes are unpacked', async () => {
    // 250 MB of zeros gzip to about 1 MB; as a tar they are an end marker and then padding.
    const bomb = await gzipZeros(250_000_000);
    expect(bomb.length).toBeLessThan(2_000_000);
    const message =
      'bomb.tar.gz: unpacks to more than 200,000,000 bytes, the most a CIFAR-10 archive holds; stopped reading. It is not a CIFAR-10 archive.';
    expect(() => cifar10FromArchiveBytes(bomb, 'bomb.tar.gz')).toThrow(message);
    await expect(cifar10FromArchiveStream(chunksOf(bomb, 65536), 'bomb.tar.gz')).rejects.toThrow(
      message,
    );
  });

  it('links, devices and FIFOs, naming the entry', () => {
    for (const [type, kind] of [
      ['1', 'hard link'],
      ['2', 'symbolic link'],
      ['3', 'character device'],
      ['6', 'FIFO'],
    ]) {
      const tar = layoutTar([tarHeader({ path: 'cifar-10-batches-bin/zero', size: 0, type })]);
      expect(() => cifar10FromArchiveBytes(tar, 'l.tar')).toThrow(
        `l.tar: refusing archive entry "cifar-10-batches-bin/zero", a ${kind}; CIFAR-10 archives hold only files and directories.`,
      );
    }
  });

  it('a CIFAR-10 file held twice', () => {
    const tar = layoutTar([
      tarEntry('copy/test_batch.bin', files.get('test_batch.bin') as Uint8Array),
    ]);
    expect(() => cifar10FromArchiveBytes(tar, 'twice.tar')).toThrow(
      'twice.tar: holds test_batch.bin twice (cifar-10-batches-bin/test_batch.bin and copy/test_batch.bin)',
    );
  });
});
