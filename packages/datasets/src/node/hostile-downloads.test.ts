import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ArchiveServer, startArchiveServer } from '../testing/archive-server.js';
import {
  packCifar10Archive,
  syntheticCifar10Files,
  writeCifar10Directory,
} from '../testing/synthetic-cifar10.js';
import { checkCachedCifar10 } from './check-cached-cifar10.js';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { type DownloadCifar10Options, downloadCifar10 } from './download-cifar10.js';
import type { DownloadRetry } from './download-to-file.js';
import { findCachedCifar10 } from './find-cached-cifar10.js';

// Mirrors that misbehave (a local server on 127.0.0.1), damaged caches and concurrent
// downloads. Every case is bounded in time by small time limits, and checks what is on disk.

let work: string;
let good: Uint8Array;
let server: ArchiveServer;
let cacheDir: string;

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function optionsFor(extra: Partial<DownloadCifar10Options> = {}): DownloadCifar10Options {
  return {
    cacheDir,
    url: server.url,
    md5: md5(good),
    size: good.length,
    retries: 0,
    retryDelayMs: 10,
    // Generous for a loaded machine; the cases about time limits set their own small ones.
    connectTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    deadlineMs: 60_000,
    ...extra,
  };
}

async function sizeOrMissing(path: string): Promise<number | 'missing'> {
  return stat(path).then(
    (s) => s.size,
    () => 'missing' as const,
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-downloads-'));
  const labels = Array.from({ length: 20 }, (_, i) => i % 10);
  await writeCifar10Directory(
    join(work, 'src'),
    syntheticCifar10Files({ train: [labels, labels, labels, labels, labels], test: labels }),
  );
  await packCifar10Archive(join(work, 'src'), join(work, 'good.tar.gz'));
  good = new Uint8Array(await readFile(join(work, 'good.tar.gz')));
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

describe('the expected size is enforced while streaming', () => {
  it('an endless body stops at the expected size and nothing is kept', async () => {
    server.behaviour.endless = true;
    await expect(downloadCifar10(optionsFor({ retries: 3 }))).rejects.toThrow(
      `Downloading ${server.url}: it sent more than the expected ${good.length.toLocaleString('en-US')} bytes; the server sends another file than the one expected, so nothing was kept.`,
    );
    expect(server.requests).toHaveLength(1); // not retried: another try gets the same file
    expect(await sizeOrMissing(cifar10CachePaths(cacheDir).partial)).toBe('missing');
    expect(await findCachedCifar10(cacheDir)).toBeNull();
  });

  it('a wrong announced size fails before a byte is written', async () => {
    server.behaviour.announcedLength = 2 ** 30;
    await expect(downloadCifar10(optionsFor())).rejects.toThrow(
      'the server announces 1,073,741,824 bytes, expected',
    );
    expect(await sizeOrMissing(cifar10CachePaths(cacheDir).partial)).toBe('missing');
  });

  it('a body of the right size with other bytes is deleted after the MD5 check', async () => {
    server.behaviour.body = good.map((b) => b ^ 1);
    await expect(downloadCifar10(optionsFor())).rejects.toThrow(
      `expected ${good.length} bytes with MD5 ${md5(good)}`,
    );
    expect(await sizeOrMissing(cifar10CachePaths(cacheDir).partial)).toBe('missing');
  });
});

describe('time limits', () => {
  it('a server that never answers: the connect time-out ends each attempt', async () => {
    server.behaviour.silent = true;
    const retries: DownloadRetry[] = [];
    await expect(
      downloadCifar10(
        optionsFor({ retries: 1, connectTimeoutMs: 300, onRetry: (r) => retries.push(r) }),
      ),
    ).rejects.toThrow(
      `Downloading ${server.url} failed after 2 attempt(s): no answer from the server within 0.3 s. Nothing was downloaded.`,
    );
    expect(retries).toEqual([
      { attempt: 1, attempts: 2, delayMs: 10, reason: 'no answer from the server within 0.3 s' },
    ]);
    expect(await readdir(join(cacheDir, 'downloads'))).toEqual([]);
  });

  it('a stalled body: the idle time-out retries, and the retry resumes and succeeds', async () => {
    server.behaviour.stallResponses = 1;
    server.behaviour.cutAfterBytes = 100_000;
    const retries: DownloadRetry[] = [];
    const dir = await downloadCifar10(
      optionsFor({ retries: 2, idleTimeoutMs: 300, onRetry: (r) => retries.push(r) }),
    );
    expect(retries.map((r) => r.reason)).toEqual(['the server sent nothing for 0.3 s']);
    expect(server.requests[1]?.range).toBe('bytes=100000-');
    expect(await findCachedCifar10(cacheDir)).toBe(dir);
  });

  it('a trickle of one byte every 50 ms ends at the deadline, keeping what came', async () => {
    server.behaviour.trickleMs = 50;
    await expect(downloadCifar10(optionsFor({ retries: 5, deadlineMs: 1_500 }))).rejects.toThrow(
      /failed after 1 attempt\(s\): the download did not finish within its deadline of 1\.5 s\. The \d+ bytes received are kept in .*cifar-10-binary\.tar\.gz\.partial, and the next run resumes from there\./,
    );
    const kept = await sizeOrMissing(cifar10CachePaths(cacheDir).partial);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(100);
  });
});

describe('nothing to resume is not called a partial file', () => {
  it('an unreachable mirror leaves no partial file and says nothing was downloaded', async () => {
    // A port that was free a moment ago: connections are refused.
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      downloadCifar10(optionsFor({ url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz` })),
    ).rejects.toThrow(
      /failed after 1 attempt\(s\): fetch failed \(.*\)\. Nothing was downloaded\./,
    );
    expect(await readdir(join(cacheDir, 'downloads'))).toEqual([]);
  });
});

describe('a damaged cache', () => {
  it('is found by its sizes, by MD5 on request, and is not returned as complete', async () => {
    const dir = await downloadCifar10(optionsFor());
    expect(await checkCachedCifar10({ cacheDir, md5: true })).toEqual({
      dir,
      problems: [],
      checkedMd5: true,
    });
    // Same size, other bytes: only the MD5 check sees it.
    const meta = join(dir, 'batches.meta.txt');
    const text = await readFile(meta, 'utf8');
    await writeFile(meta, text.replace('airplane', 'aeroplan'));
    expect((await checkCachedCifar10({ cacheDir })).problems).toEqual([]);
    expect((await checkCachedCifar10({ cacheDir, md5: true })).problems).toEqual([
      'batches.meta.txt has another MD5 than when it was downloaded',
    ]);
    await truncate(join(dir, 'test_batch.bin'), 1000);
    expect((await checkCachedCifar10({ cacheDir })).problems).toEqual([
      'test_batch.bin is 1,000 bytes, 61,460 expected',
    ]);
    await expect(downloadCifar10(optionsFor())).rejects.toThrow(
      `The cached CIFAR-10 in ${dir} is damaged (test_batch.bin is 1,000 bytes, 61,460 expected); download it again with force.`,
    );
    expect(await downloadCifar10(optionsFor({ force: true }))).toBe(dir);
    expect(await checkCachedCifar10({ cacheDir, md5: true })).toMatchObject({ problems: [] });
  });
});

describe('concurrent downloads into one cache', () => {
  it('take turns: the second waits for the first and reuses its result', async () => {
    const waits: unknown[] = [];
    const onWait = (holder: unknown) => waits.push(holder);
    // Whichever takes the lock first downloads; the two others wait (the forced one too) and
    // return its result.
    const [a, b] = await Promise.all([
      downloadCifar10(optionsFor({ onWait })),
      downloadCifar10(optionsFor({ onWait })),
      downloadCifar10(optionsFor({ force: true, onWait })),
    ]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(1);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(await readdir(join(cacheDir, 'downloads'))).toEqual([]);
  });

  it('a stale lock of a killed process is taken over', async () => {
    // The pid of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const lock = cifar10CachePaths(cacheDir).lock;
    await mkdir(join(cacheDir, 'downloads'), { recursive: true });
    await writeFile(
      lock,
      JSON.stringify({ pid: Number(gone.stdout), hostname: hostname(), since: '', token: 'x' }),
    );
    const waits: unknown[] = [];
    await downloadCifar10(optionsFor({ onWait: (h) => waits.push(h) }));
    expect(waits).toEqual([]);
    expect(await findCachedCifar10(cacheDir)).not.toBeNull();
  });

  it("another host's lock is stale once it has not been touched for a minute", async () => {
    const lock = cifar10CachePaths(cacheDir).lock;
    await mkdir(join(cacheDir, 'downloads'), { recursive: true });
    await writeFile(lock, JSON.stringify({ pid: 1, hostname: 'elsewhere', since: '', token: 'y' }));
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    await downloadCifar10(optionsFor());
    expect(await findCachedCifar10(cacheDir)).not.toBeNull();
  });
});
