import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSafeEntryPath } from './archive-entry-path.js';
import { type TarEntry, TarStreamReader } from './tar-stream-reader.js';
import {
  packCifar10Archive,
  syntheticCifar10Files,
  writeCifar10Directory,
} from './testing/synthetic-cifar10.js';
import { concatBytes, paxEntry, tarEnd, tarEntry, tarHeader } from './testing/tar-builder.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnnkit-tar-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tar made by node-tar from a small CIFAR-10 layout (plus `extraEntries`). */
async function makeTar(name: string, extraEntries: string[] = []): Promise<Uint8Array> {
  const dir = join(root, name);
  await mkdir(join(dir, 'inner'), { recursive: true });
  await writeCifar10Directory(
    join(dir, 'inner'),
    syntheticCifar10Files({ train: [[1, 2], [3]], test: [4] }),
  );
  await writeFile(join(dir, 'outside.txt'), 'not CIFAR');
  const archive = join(dir, 'archive.tar.gz');
  await packCifar10Archive(join(dir, 'inner'), archive, extraEntries);
  return gunzipSync(new Uint8Array(await readFile(archive)));
}

interface ReadResult {
  readonly entries: TarEntry[];
  readonly files: Map<string, Uint8Array>;
  readonly ended: boolean;
}

/** Every entry, and the bytes of those `want` accepts, pushing `chunkSize` bytes at a time. */
function readTar(
  tar: Uint8Array,
  chunkSize: number,
  want: (entry: TarEntry) => boolean = () => true,
): ReadResult {
  const entries: TarEntry[] = [];
  const files = new Map<string, Uint8Array>();
  const reader = new TarStreamReader('test.tar', {
    onEntry: (entry) => {
      entries.push(entry);
      return want(entry);
    },
    onFile: (entry, data) => files.set(entry.path, data),
  });
  for (let i = 0; i < tar.length; i += chunkSize) reader.push(tar.subarray(i, i + chunkSize));
  reader.end();
  return { entries, files, ended: reader.ended };
}

describe('TarStreamReader', () => {
  it.each([1, 511, 512, 4096, 1 << 20])(
    'reads a node-tar archive pushed %i bytes at a time',
    async (chunkSize) => {
      const tar = await makeTar(`plain-${chunkSize}`);
      const { entries, files, ended } = readTar(tar, chunkSize, (e) => e.type === '0');
      expect(ended).toBe(true);
      expect(entries.map((e) => e.path).sort()).toEqual([
        'cifar-10-batches-bin/',
        'cifar-10-batches-bin/batches.meta.txt',
        'cifar-10-batches-bin/data_batch_1.bin',
        'cifar-10-batches-bin/data_batch_2.bin',
        'cifar-10-batches-bin/test_batch.bin',
      ]);
      const expected = syntheticCifar10Files({ train: [[1, 2], [3]], test: [4] });
      expect(files.get('cifar-10-batches-bin/data_batch_1.bin')).toEqual(
        expected.get('data_batch_1.bin'),
      );
      expect(files.get('cifar-10-batches-bin/batches.meta.txt')).toEqual(
        expected.get('batches.meta.txt'),
      );
    },
  );

  it('does not keep the bytes of skipped entries', () => {
    const tar = concatBytes([
      tarEntry('a.bin', new Uint8Array(1000).fill(7)),
      tarEntry('b.bin', Uint8Array.of(1, 2, 3)),
      tarEnd(),
    ]);
    const { entries, files } = readTar(tar, 100, (e) => e.path === 'b.bin');
    expect(entries.map((e) => [e.path, e.size, e.offset])).toEqual([
      ['a.bin', 1000, 0],
      ['b.bin', 3, 1536],
    ]);
    expect([...files.keys()]).toEqual(['b.bin']);
    expect([...(files.get('b.bin') as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('reads pax paths and sizes, GNU long names and base-256 sizes', () => {
    const longPath = `${'d/'.repeat(80)}test_batch.bin`;
    const tar = concatBytes([
      paxEntry({ path: longPath, size: '5' }),
      tarHeader({ path: 'short', size: 0 }),
      Uint8Array.of(1, 2, 3, 4, 5),
      new Uint8Array(507),
      tarEntry('././@LongLink', new TextEncoder().encode('gnu/long/name.bin\0'), 'L'),
      tarEntry('gnu/long/na', Uint8Array.of(9)),
      tarHeader({ path: 'big.bin', size: 3, base256: true }),
      Uint8Array.of(4, 5, 6),
      new Uint8Array(509),
      tarEnd(),
    ]);
    const { entries, files } = readTar(tar, 700);
    expect(entries.map((e) => [e.path, e.size])).toEqual([
      [longPath, 5],
      ['gnu/long/name.bin', 1],
      ['big.bin', 3],
    ]);
    expect([...(files.get(longPath) as Uint8Array)]).toEqual([1, 2, 3, 4, 5]);
    expect([...(files.get('big.bin') as Uint8Array)]).toEqual([4, 5, 6]);
  });

  it('tells its user the size an entry claims before any of its bytes arrive', () => {
    // A header claiming 10 GiB (GNU base-256) with no data behind it: the user refuses it.
    const tar = concatBytes([tarHeader({ path: 'huge.bin', size: 10 * 2 ** 30, base256: true })]);
    expect(() =>
      readTar(tar, 512, (entry) => {
        throw new Error(`refused ${entry.path} of ${entry.size} bytes`);
      }),
    ).toThrow('refused huge.bin of 10737418240 bytes');
  });

  it('refuses a pax record too large to be one', () => {
    const tar = tarHeader({ path: 'PaxHeader', size: 50_000_000, type: 'x' });
    expect(() => readTar(tar, 512)).toThrow(
      'test.tar: tar extended header at byte 0 claims 50,000,000 bytes (at most 1,048,576 expected)',
    );
  });

  it('refuses an entry whose path escapes, naming it', async () => {
    const tar = await makeTar('escape', ['../outside.txt']);
    expect(() => readTar(tar, 4096)).toThrow(
      'test.tar: refusing archive entry "../outside.txt": its path is absolute or contains ".."',
    );
  });

  it('reports a truncated tar and a corrupt header', async () => {
    const tar = await makeTar('cut');
    const header = Buffer.from(tar).indexOf('cifar-10-batches-bin/data_batch_1.bin');
    expect(header % 512).toBe(0);
    expect(() => readTar(tar.subarray(0, header + 512 + 100), 4096)).toThrow(
      `test.tar: tar entry "cifar-10-batches-bin/data_batch_1.bin" at byte ${header.toLocaleString('en-US')} claims 6,146 bytes but the archive ends after 100 of them; the archive is truncated.`,
    );
    expect(() => readTar(tar.subarray(0, header + 100), 4096)).toThrow(
      'the archive ends inside a tar header',
    );
    const corrupt = tar.slice();
    corrupt[10] = (corrupt[10] as number) ^ 0xff;
    expect(() => readTar(corrupt, 4096)).toThrow('tar header at byte 0 has a bad checksum');
  });

  it('ignores what follows the end-of-archive marker', () => {
    const tar = concatBytes([tarEntry('a', Uint8Array.of(1)), tarEnd(), Uint8Array.of(1, 2, 3)]);
    expect(readTar(tar, 512).ended).toBe(true);
  });
});

describe('assertSafeEntryPath', () => {
  it('accepts a relative path inside the archive', () => {
    expect(() =>
      assertSafeEntryPath('cifar-10-batches-bin/test_batch.bin', 'cifar.tar.gz'),
    ).not.toThrow();
  });

  it.each(['/etc/passwd', 'a/../../b', 'C:/x', 'a\\..\\b', '../evil.sh'])('refuses %s', (path) => {
    expect(() => assertSafeEntryPath(path, 'a.tar')).toThrow(
      `a.tar: refusing archive entry ${JSON.stringify(path)}`,
    );
  });
});
