import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ArchiveServer, startArchiveServer } from '../testing/archive-server.js';
import {
  packCifar10Archive,
  syntheticCifar10Files,
  writeCifar10Directory,
} from '../testing/synthetic-cifar10.js';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { type DownloadCifar10Options, downloadCifar10 } from './download-cifar10.js';
import type { DownloadProgress } from './download-to-file.js';
import { findCachedCifar10 } from './find-cached-cifar10.js';
import { readCifar10Directory } from './read-cifar10-directory.js';

let work: string;
let good: Uint8Array;
let escaping: Uint8Array;
let server: ArchiveServer;
let cacheDir: string;

async function makeArchive(name: string, extraEntries: string[] = []): Promise<Uint8Array> {
  const root = join(work, name);
  await mkdir(join(root, 'inner'), { recursive: true });
  await writeFile(join(root, 'outside.txt'), 'escaped');
  // Five training files of 40 records: ~600 KB, enough for several progress chunks.
  const labels = Array.from({ length: 40 }, (_, i) => i % 10);
  const files = syntheticCifar10Files({
    train: [labels, labels, labels, labels, labels],
    test: labels,
  });
  await writeCifar10Directory(join(root, 'inner'), files);
  await packCifar10Archive(join(root, 'inner'), join(root, 'archive.tar.gz'), extraEntries);
  return new Uint8Array(await readFile(join(root, 'archive.tar.gz')));
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function optionsFor(
  body: Uint8Array,
  extra: Partial<DownloadCifar10Options> = {},
): DownloadCifar10Options {
  return {
    cacheDir,
    url: server.url,
    md5: md5(body),
    size: body.length,
    retryDelayMs: 10,
    ...extra,
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-download-'));
  good = await makeArchive('good');
  escaping = await makeArchive('escaping', ['../outside.txt']);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await startArchiveServer(good);
  cacheDir = await mkdtemp(join(work, 'cache-'));
});
afterEach(async () => {
  await server.close();
});

describe('downloadCifar10', () => {
  it('downloads, reports progress, verifies, extracts and marks the cache complete', async () => {
    const events: DownloadProgress[] = [];
    const dir = await downloadCifar10(optionsFor(good, { onProgress: (p) => events.push(p) }));
    expect(dir).toBe(join(cacheDir, 'cifar-10', 'cifar-10-batches-bin'));
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)).toEqual({ bytes: good.length, total: good.length });
    expect(
      events.every((e, i) => i === 0 || e.bytes >= (events[i - 1] as DownloadProgress).bytes),
    ).toBe(true);
    const { train, test } = await readCifar10Directory(dir);
    expect(train.count).toBe(200);
    expect(test.count).toBe(40);
    expect(await findCachedCifar10(cacheDir)).toBe(dir);
    expect(await exists(cifar10CachePaths(cacheDir).partial)).toBe(false);
    // A complete cache is used as is: no new request.
    expect(await downloadCifar10(optionsFor(good))).toBe(dir);
    expect(server.requests).toHaveLength(1);
  });

  it('on a checksum mismatch deletes the download and leaves no complete-looking cache', async () => {
    await expect(downloadCifar10(optionsFor(good, { md5: '0'.repeat(32) }))).rejects.toThrow(
      `expected ${good.length} bytes with MD5 00000000000000000000000000000000`,
    );
    expect(await findCachedCifar10(cacheDir)).toBeNull();
    expect(await exists(cifar10CachePaths(cacheDir).partial)).toBe(false);
    expect(await exists(cifar10CachePaths(cacheDir).root)).toBe(false);
  });

  it('a failed forced re-download keeps the good cache', async () => {
    const dir = await downloadCifar10(optionsFor(good));
    await expect(
      downloadCifar10(optionsFor(good, { force: true, md5: 'f'.repeat(32) })),
    ).rejects.toThrow('MD5');
    expect(await findCachedCifar10(cacheDir)).toBe(dir);
    expect((await readCifar10Directory(dir)).train.count).toBe(200);
  });

  it('resumes a truncated transfer with Range and If-Range', async () => {
    server.behaviour.cutResponses = 2;
    server.behaviour.cutAfterBytes = 100_000;
    const events: DownloadProgress[] = [];
    const dir = await downloadCifar10(optionsFor(good, { onProgress: (p) => events.push(p) }));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]?.range).toBeUndefined();
    expect(server.requests[1]?.range).toBe('bytes=100000-');
    expect(server.requests[1]?.['if-range']).toBe('"cifar-test-v1"');
    expect(server.requests[2]?.range).toBe('bytes=200000-');
    expect(events.at(-1)?.bytes).toBe(good.length);
    expect((await readCifar10Directory(dir)).test.count).toBe(40);
  });

  it('restarts cleanly when the server ignores Range and answers 200', async () => {
    server.behaviour.supportsRange = false;
    server.behaviour.cutResponses = 1;
    server.behaviour.cutAfterBytes = 100_000;
    const dir = await downloadCifar10(optionsFor(good));
    expect(server.requests[1]?.range).toBe('bytes=100000-');
    expect(await findCachedCifar10(cacheDir)).toBe(dir);
  });

  it('gives up after the retries with an error that says what to do', async () => {
    server.behaviour.cutResponses = 10;
    server.behaviour.cutAfterBytes = 1000;
    await expect(downloadCifar10(optionsFor(good, { retries: 2 }))).rejects.toThrow(
      /failed after 3 attempt\(s\): connection .*The [\d,]+ bytes received are kept in .*\.partial, and the next run resumes from there\./,
    );
    expect(await findCachedCifar10(cacheDir)).toBeNull();
    // Kept for the next run (how much of each cut response arrives depends on socket timing).
    expect((await stat(cifar10CachePaths(cacheDir).partial)).size).toBeLessThanOrEqual(3000);
  });

  it('stops on abort, keeps the partial file, and the next call resumes from it', async () => {
    server.behaviour.stallResponses = 1;
    server.behaviour.cutAfterBytes = 150_000;
    const controller = new AbortController();
    const attempt = downloadCifar10(
      optionsFor(good, {
        signal: controller.signal,
        onProgress: ({ bytes }) => {
          if (bytes >= 150_000) controller.abort();
        },
      }),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(await findCachedCifar10(cacheDir)).toBeNull();
    const kept = (await stat(cifar10CachePaths(cacheDir).partial)).size;
    expect(kept).toBe(150_000);

    const dir = await downloadCifar10(optionsFor(good));
    expect(server.requests.at(-1)?.range).toBe(`bytes=${kept}-`);
    expect((await readCifar10Directory(dir)).train.count).toBe(200);
  });

  it('refuses an archive entry that escapes the cache, naming it, and writes nothing outside', async () => {
    server.behaviour.body = escaping;
    await expect(downloadCifar10(optionsFor(escaping))).rejects.toThrow(
      `${server.url}: refusing archive entry "../outside.txt"`,
    );
    expect(await exists(join(cacheDir, 'outside.txt'))).toBe(false);
    expect(await findCachedCifar10(cacheDir)).toBeNull();
    expect(
      (await readdir(cacheDir)).filter((name) => name.startsWith('.cifar-10-extracting')),
    ).toEqual([]);
  });

  it('rejects a URL it cannot fetch before touching the cache', async () => {
    await expect(
      downloadCifar10(optionsFor(good, { url: 'ftp://example.org/c.tgz' })),
    ).rejects.toThrow('url must be an http(s) URL, got "ftp://example.org/c.tgz"');
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('does not retry a 404', async () => {
    await expect(
      downloadCifar10(
        optionsFor(good, { url: server.url.replace('.tar.gz', '.missing'), retries: 3 }),
      ),
    ).rejects.toThrow('failed after 1 attempt(s): HTTP 404');
  });
});
