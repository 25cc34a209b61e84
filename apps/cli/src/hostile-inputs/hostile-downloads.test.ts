// `cnnkit download --mirror` against a mirror on 127.0.0.1 that misbehaves (endless, stalled,
// trickling or silent), damaged caches, and concurrent or killed downloads. Each case checks
// the exit code, the messages, the peak RSS and what is left in the cache; every run is
// bounded by small time limits passed as flags.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smallFullArchive } from './hostile-input-files.js';
import { type HostileMirror, startHostileMirror } from './hostile-mirror.js';
import { type MeasuredRun, PEAK_RSS_LIMIT_BYTES, runCnnkit } from './measured-cli-run.js';

let work: string;
let archive: Uint8Array;
let mirror: HostileMirror;
let cacheDir: string;

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const count = (n: number) => n.toLocaleString('en-US');

/** `cnnkit download` from the mirror into this test's cache, with the archive's MD5 and size. */
function download(extra: string[] = [], options: Parameters<typeof runCnnkit>[1] = {}) {
  return runCnnkit(
    [
      'download',
      '--mirror',
      mirror.url,
      '--md5',
      md5(archive),
      '--size',
      String(archive.length),
      '--cache-dir',
      cacheDir,
      ...extra,
    ],
    options,
  );
}

/** The lines cnnkit wrote about the run (progress lines left out). */
const notices = (run: MeasuredRun) =>
  run.stderr.split('\n').filter((l) => l.startsWith('cnnkit: '));

function expectBounded(run: MeasuredRun): void {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT_BYTES);
}

const partial = () => join(cacheDir, 'downloads', 'cifar-10-binary.tar.gz.partial');
const downloads = () => readdir(join(cacheDir, 'downloads')).catch(() => []);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-downloads-'));
  archive = await smallFullArchive();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  mirror = await startHostileMirror(archive);
  cacheDir = await mkdtemp(join(work, 'cache-'));
});
afterEach(async () => {
  await mirror.close();
});

describe('a hostile mirror', () => {
  it('an endless body is cut at the expected size; nothing is kept', async () => {
    mirror.mode = { kind: 'endless' };
    const run = await download();
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(notices(run)).toEqual([
      `cnnkit: download failed: Downloading ${mirror.url}: it sent more than the expected ${count(archive.length)} bytes; the server sends another file than the one expected, so nothing was kept. Check the URL, or give the mirror's own size and MD5.`,
    ]);
    expect(mirror.requests).toHaveLength(1);
    expect(await downloads()).toEqual([]);
  });

  it('a trickle of one byte every 2 s ends at --deadline and keeps the bytes for a resume', async () => {
    mirror.mode = { kind: 'trickle', everyMs: 2_000 };
    const run = await download(['--deadline', '5'], { timeoutMs: 30_000 });
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(notices(run)).toEqual([
      expect.stringMatching(
        /^cnnkit: download failed: Downloading .* failed after 1 attempt\(s\): the download did not finish within its deadline of 5 s\. The [1-3] bytes received are kept in .*cifar-10-binary\.tar\.gz\.partial, and the next run resumes from there\. Check the network or use another mirror\.$/,
      ),
    ]);
    const kept = (await stat(partial())).size;
    // The next run resumes from those bytes and completes.
    mirror.mode = { kind: 'serve' };
    const resumed = await download();
    expect(resumed.code).toBe(0);
    expect(mirror.requests.at(-1)).toBe(`bytes=${kept}-`);
    expect(await downloads()).toEqual([]);
  });

  it('a stalled body: each attempt ends after --idle-timeout, saying so, until --deadline', async () => {
    mirror.mode = { kind: 'stall' };
    const run = await download(['--idle-timeout', '1', '--deadline', '6'], { timeoutMs: 30_000 });
    expectBounded(run);
    expect(run.code).toBe(1);
    const lines = notices(run);
    expect(lines[0]).toBe(
      'cnnkit: attempt 1 of 6 failed (the server sent nothing for 1 s); trying again in 1 s',
    );
    expect(lines.at(-1)).toMatch(
      /^cnnkit: download failed: Downloading .* failed after [2-4] attempt\(s\): (the server sent nothing for 1 s, and the deadline of 6 s leaves no time for another attempt|the download did not finish within its deadline of 6 s)\. Nothing was downloaded\./,
    );
    expect(await downloads()).toEqual([]);
  });

  it('a silent server: --connect-timeout ends each attempt', async () => {
    mirror.mode = { kind: 'silent' };
    const run = await download(['--connect-timeout', '1', '--deadline', '4'], {
      timeoutMs: 30_000,
    });
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(notices(run)[0]).toBe(
      'cnnkit: attempt 1 of 6 failed (no answer from the server within 1 s); trying again in 1 s',
    );
    expect(notices(run).at(-1)).toMatch(
      /no answer from the server within 1 s.*Nothing was downloaded\./,
    );
  });

  it('a file of the right size with other bytes is deleted after the MD5 check', async () => {
    mirror.body = archive.map((b) => b ^ 0xff);
    const run = await download();
    expect(run.code).toBe(1);
    expect(notices(run)[0]).toContain(
      `expected ${archive.length} bytes with MD5 ${md5(archive)}. The file is corrupt or the mirror serves a different file; it was deleted.`,
    );
    expect(await downloads()).toEqual([]);
  });

  it('--md5 and --size go together, with --mirror', async () => {
    const run = await runCnnkit(['download', '--mirror', mirror.url, '--md5', md5(archive)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "--md5 and --size describe a mirror's own file: give both, with --mirror.",
    );
  });
});

describe('the cache', () => {
  it('is verified instead of "already in the cache": sizes always, MD5s with --verify', async () => {
    expect((await download()).code).toBe(0);
    const dir = join(cacheDir, 'cifar-10', 'cifar-10-batches-bin');
    const again = await download();
    expect(again.stdout).toBe(
      `CIFAR-10 is already in the cache: ${dir} (file sizes checked; --verify also checks MD5s)\n`,
    );
    const verified = await download(['--verify']);
    expect(verified.stdout).toContain('(file sizes and MD5s checked)');

    // Same size, other bytes: --verify finds it.
    const meta = join(dir, 'batches.meta.txt');
    await writeFile(meta, (await readFile(meta, 'utf8')).replace('airplane', 'aeroplan'));
    const changed = await download(['--verify']);
    expect(changed.code).toBe(1);
    expect(notices(changed)).toEqual([
      `cnnkit: the cached CIFAR-10 in ${dir} is damaged (batches.meta.txt has another MD5 than when it was downloaded); \`cnnkit download --force\` downloads it again.`,
    ]);

    // Truncated: found without --verify; from a clone the hint is `pnpm cnnkit`.
    await truncate(join(dir, 'test_batch.bin'), 1000);
    const truncated = await download([], { env: { CNNKIT_INVOCATION: 'pnpm cnnkit' } });
    expect(truncated.code).toBe(1);
    expect(notices(truncated)).toEqual([
      `cnnkit: the cached CIFAR-10 in ${dir} is damaged (test_batch.bin is 1,000 bytes, 122,920 expected); \`pnpm cnnkit download --force\` downloads it again.`,
    ]);
    // train and eval, which read the cache when --data is not given, say the same.
    const train = await runCnnkit(['train', '--cache-dir', cacheDir, '--out', join(work, 'run')]);
    expect(train.code).toBe(1);
    expect(train.stderr).toContain(
      `cnnkit: the cached CIFAR-10 in ${dir} is damaged (test_batch.bin is 1,000 bytes, 122,920 expected); \`cnnkit download --force\` downloads it again.`,
    );

    const forced = await download(['--force']);
    expect(forced.code).toBe(0);
    expect((await download(['--verify'])).stdout).toContain('(file sizes and MD5s checked)');
  });

  it('two downloads at once: the second waits for the first and reuses its result', async () => {
    // The mirror holds the second half of the body until the second process says it waits
    // for the first one's lock: no timing has to outlast a slow start on a loaded machine.
    let release = () => {};
    mirror.mode = { kind: 'held', release: new Promise<void>((resolve) => (release = resolve)) };
    const first = download([], { timeoutMs: 120_000 });
    await waitFor(() => mirror.requests.length === 1, 60_000);
    let secondWaits = false;
    const second = download([], {
      timeoutMs: 120_000,
      onStderr: (stderr) => {
        secondWaits ||= stderr.includes('another download into this cache is running');
      },
    });
    await waitFor(() => secondWaits, 60_000).finally(release);
    const [firstRun, secondRun] = await Promise.all([first, second]);
    expect([firstRun.code, secondRun.code]).toEqual([0, 0]);
    expect(notices(secondRun)[0]).toMatch(
      /^cnnkit: another download into this cache is running \(process \d+ on .*\); waiting for it to finish$/,
    );
    expect(secondRun.stdout).toBe(firstRun.stdout);
    expect(mirror.requests).toHaveLength(1);
    expect(await downloads()).toEqual([]);
  });

  it("a killed download's lock is stale: the next run takes it over and resumes", async () => {
    mirror.mode = { kind: 'slow', bytes: 1024, everyMs: 50 };
    let pid = 0;
    const killed = download([], { onStart: (p) => (pid = p) });
    await waitFor(() => existsSync(partial()), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(pid, 'SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    expect((await downloads()).sort()).toEqual([
      'cifar-10-binary.tar.gz.partial',
      'cifar-10-binary.tar.gz.partial.json',
      'cifar-10.lock',
    ]);
    const kept = (await stat(partial())).size;
    expect(kept).toBeGreaterThan(0);

    mirror.mode = { kind: 'serve' };
    const next = await download();
    expect(next.code).toBe(0);
    expect(notices(next)).toEqual([]); // no waiting: the holder is gone
    expect(mirror.requests.at(-1)).toBe(`bytes=${kept}-`);
    expect(await downloads()).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
