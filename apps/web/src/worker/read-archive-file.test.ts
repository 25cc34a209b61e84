import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { expect, test } from 'vitest';
import { readArchiveFile } from './read-archive-file.js';

const sample = async () => new Uint8Array(await readFile(cifar10SamplePath()));

/** A Blob of `bytes` in parts of 100 kB, so its stream comes in chunks as a File's does. */
function blobInParts(bytes: Uint8Array): Blob {
  const parts: BlobPart[] = [];
  for (let i = 0; i < bytes.length; i += 100_000) parts.push(bytes.slice(i, i + 100_000));
  return new Blob(parts);
}

test('reads the sample archive as it streams in, with progress up to 1', async () => {
  const progress: number[] = [];
  const { train, test } = await readArchiveFile(
    blobInParts(await sample()),
    'cifar-10-sample.tar.gz',
    (f) => progress.push(f),
  );
  expect([train.count, test.count]).toEqual([2000, 500]);
  expect(progress.length).toBeGreaterThan(1);
  expect(progress.at(-1)).toBe(1);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
});

test('a truncated download, a bomb and an empty file get messages naming the file', async () => {
  const gz = await sample();
  await expect(
    readArchiveFile(
      new Blob([gz.subarray(0, gz.length >> 1) as BlobPart]),
      'cifar-10-binary.tar.gz',
    ),
  ).rejects.toThrow(/^cifar-10-binary\.tar\.gz: cannot decompress \(.*\); the file is incomplete/);
  // 300 MB of zeros: the reader stops at the most a CIFAR-10 archive unpacks to.
  const bomb = gzipSync(new Uint8Array(300_000_000), { level: 1 });
  await expect(readArchiveFile(new Blob([bomb as BlobPart]), 'bomb.tar.gz')).rejects.toThrow(
    'bomb.tar.gz: unpacks to more than 200,000,000 bytes, the most a CIFAR-10 archive holds',
  );
  await expect(readArchiveFile(new Blob([]), 'empty.tar.gz')).rejects.toThrow(
    'empty.tar.gz: the file is empty',
  );
});
