import { gzipSync } from 'fflate';
import { expect, test } from 'vitest';
import { readArchiveFile } from './read-archive-file.js';

function pseudoRandomBytes(length: number): Uint8Array {
  let state = 12345;
  return Uint8Array.from({ length }, (_, i) => {
    state = (state * 1103515245 + 12345) >>> 0;
    // Half compressible, half noise, so the gzip stream spans many chunks.
    return i % 2 === 0 ? state >>> 24 : i % 7;
  });
}

test('a .tar.gz is decompressed in chunks with progress up to 1', async () => {
  const tar = pseudoRandomBytes(300_000);
  const progress: number[] = [];
  const out = await readArchiveFile(new Blob([gzipSync(tar) as BlobPart]), 'a.tar.gz', (f) =>
    progress.push(f),
  );
  expect(out).toEqual(tar);
  expect(progress.at(-1)).toBe(1);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
});

test('an uncompressed tar is passed through', async () => {
  const tar = pseudoRandomBytes(2048);
  expect(await readArchiveFile(new Blob([tar as BlobPart]), 'a.tar')).toEqual(tar);
});

test('a truncated download and an empty file get messages naming the file', async () => {
  const gz = gzipSync(pseudoRandomBytes(100_000));
  await expect(
    readArchiveFile(
      new Blob([gz.subarray(0, gz.length >> 1) as BlobPart]),
      'cifar-10-binary.tar.gz',
    ),
  ).rejects.toThrow(
    /^cifar-10-binary\.tar\.gz: cannot decompress \(.*\); the file is damaged or not a \.tar\.gz/,
  );
  await expect(readArchiveFile(new Blob([]), 'empty.tar.gz')).rejects.toThrow(
    'empty.tar.gz: the file is empty',
  );
});
