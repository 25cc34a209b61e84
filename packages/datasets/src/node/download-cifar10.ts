import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CIFAR10_DIRECTORY, CIFAR10_FILES } from '../cifar10-format.js';
import { acquireLock, type LockHolder } from './cache-lock.js';
import {
  type Cifar10CacheCheck,
  checkCachedCifar10,
  type RecordedFiles,
} from './check-cached-cifar10.js';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { type DownloadProgress, type DownloadRetry, downloadToFile } from './download-to-file.js';
import { fileMd5 } from './file-md5.js';
import { CIFAR10_ARCHIVE_BYTES, CIFAR10_ARCHIVE_MD5, CIFAR10_URL } from './official-archive.js';
import { readCifar10ArchiveFiles } from './read-cifar10-archive.js';

export interface DownloadCifar10Options {
  /** Cache directory (default {@link defaultCacheDir}). */
  readonly cacheDir?: string;
  /** Mirror serving the same archive (default {@link CIFAR10_URL}). */
  readonly url?: string;
  /** Expected MD5 in hex (default the official archive's). */
  readonly md5?: string;
  /**
   * Expected size in bytes (default the official archive's, 170,052,171). A server announcing
   * another size, or sending more, is refused at once: nothing past it is written.
   */
  readonly size?: number;
  /** Further attempts after a failed one, each resuming where the last stopped (default 5). */
  readonly retries?: number;
  /** Wait before the first retry, doubled each time (default 1,000 ms). */
  readonly retryDelayMs?: number;
  /** Longest wait for the server's answer to a request (default 30,000 ms). */
  readonly connectTimeoutMs?: number;
  /** Longest wait for the next bytes of the archive before trying again (default 30,000 ms). */
  readonly idleTimeoutMs?: number;
  /**
   * Time for the whole download, retries included (default 1,800,000 ms: 30 minutes, enough
   * for the official archive at 100 kB/s); a server trickling bytes ends here.
   */
  readonly deadlineMs?: number;
  /** Download again even when a complete cache exists; the old one stays until the new one is ready. */
  readonly force?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Called before each retry, with why the attempt failed. */
  readonly onRetry?: (retry: DownloadRetry) => void;
  /** Called when another process is downloading into the same cache and this call waits for it. */
  readonly onWait?: (holder: LockHolder) => void;
  readonly signal?: AbortSignal;
}

/**
 * Downloads, verifies and extracts the CIFAR-10 binary archive into the cache and returns
 * the `cifar-10-batches-bin` directory; returns at once when the cache is already complete
 * (and its files have the sizes recorded when it was made; a damaged cache is an error that
 * says to pass `force`).
 *
 * Safe to interrupt: the archive downloads to a `.partial` file that the next call resumes
 * (HTTP Range), extraction happens in a temporary directory renamed into place, and the
 * completion marker is written last, so a failed or aborted run never leaves a cache that
 * looks complete and never damages a complete one. Calls into one cache from several
 * processes take turns (a lock file; a killed holder's lock is taken over), and a waiting call
 * returns what the first one downloaded. Bounded in time (connect, idle and overall
 * deadlines) and in bytes (the expected size).
 *
 * @example
 * ```ts
 * const dir = await downloadCifar10({
 *   onProgress: ({ bytes, total }) => console.log(`${bytes} / ${total ?? '?'} bytes`),
 * });
 * const { train, test } = await readCifar10Directory(dir);
 * ```
 */
export async function downloadCifar10(options: DownloadCifar10Options = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const url = options.url ?? CIFAR10_URL;
  const md5 = (options.md5 ?? CIFAR10_ARCHIVE_MD5).toLowerCase();
  const size = options.size ?? CIFAR10_ARCHIVE_BYTES;
  const { signal } = options;
  const paths = cifar10CachePaths(cacheDir);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new Error(`downloadCifar10: url must be an http(s) URL, got ${JSON.stringify(url)}.`);
  }
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    throw new Error(
      `downloadCifar10: md5 must be 32 hex digits, got ${JSON.stringify(options.md5)}.`,
    );
  }
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new Error(`downloadCifar10: size must be a whole number of bytes > 0, got ${size}.`);
  }
  const timeouts = {
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 30_000),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, 30_000),
    deadlineMs: positive('deadlineMs', options.deadlineMs, 30 * 60_000),
  };

  if (!options.force) {
    const cached = await usableCache(cacheDir);
    if (cached !== null) return cached;
  }
  await mkdir(dirname(paths.partial), { recursive: true });
  const { lock, waited } = await acquireLock(paths.lock, { onWait: options.onWait, signal });
  try {
    // Whoever held the lock may just have completed the cache: use it.
    if (!options.force || waited) {
      const cached = await usableCache(cacheDir);
      if (cached !== null) return cached;
    }
    await removeLeftovers(cacheDir);
    // A previous run may have received every byte and stopped before verifying them.
    const alreadyWhole =
      (await sizeOf(paths.partial)) === size && (await fileMd5(paths.partial)) === md5;
    if (!alreadyWhole) {
      await downloadToFile({
        url,
        destination: paths.partial,
        infoFile: paths.partialInfo,
        expectedSize: size,
        retries: options.retries ?? 5,
        retryDelayMs: options.retryDelayMs ?? 1000,
        ...timeouts,
        onProgress: options.onProgress,
        onRetry: options.onRetry,
        signal,
      });
      const gotSize = await sizeOf(paths.partial);
      const gotMd5 = await fileMd5(paths.partial);
      if (gotSize !== size || gotMd5 !== md5) {
        await rm(paths.partial, { force: true });
        await rm(paths.partialInfo, { force: true });
        throw new Error(
          `Downloaded ${url}: got ${gotSize} bytes with MD5 ${gotMd5}, expected ${size} bytes with MD5 ${md5}. The file is corrupt or the mirror serves a different file; it was deleted. Try again, or use another mirror.`,
        );
      }
    }
    signal?.throwIfAborted();
    await extractIntoCache(paths, url, { url, md5, size }, signal);
    await rm(paths.partial, { force: true });
    await rm(paths.partialInfo, { force: true });
    return paths.data;
  } finally {
    await lock.release();
  }
}

/** The cached directory when the cache is complete and whole; an error when it is damaged. */
async function usableCache(cacheDir: string): Promise<string | null> {
  const check: Cifar10CacheCheck = await checkCachedCifar10({ cacheDir });
  if (check.dir !== null && check.problems.length > 0) {
    throw new Error(
      `The cached CIFAR-10 in ${check.dir} is damaged (${check.problems.join('; ')}); download it again with force.`,
    );
  }
  return check.dir;
}

/**
 * Unpacks the verified archive (only its CIFAR-10 files, with the bounded reader) into a
 * temporary directory, swaps it into place and writes the completion marker last.
 */
async function extractIntoCache(
  paths: ReturnType<typeof cifar10CachePaths>,
  label: string,
  source: { url: string; md5: string; size: number },
  signal: AbortSignal | undefined,
): Promise<void> {
  const files = await readCifar10ArchiveFiles(paths.partial, label);
  const missing = CIFAR10_FILES.filter((name) => !files.has(name));
  if (missing.length > 0) {
    throw new Error(
      `${label}: the archive lacks ${CIFAR10_DIRECTORY}/${missing.join(', ')}; it is not the CIFAR-10 binary archive. Check the URL.`,
    );
  }
  const cacheDir = dirname(paths.root);
  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(join(cacheDir, '.cifar-10-extracting-'));
  try {
    await mkdir(join(staging, CIFAR10_DIRECTORY));
    const recorded: Record<string, { bytes: number; md5: string }> = {};
    for (const name of CIFAR10_FILES) {
      const bytes = files.get(name) as Uint8Array;
      await writeFile(join(staging, CIFAR10_DIRECTORY, name), bytes);
      recorded[name] = { bytes: bytes.length, md5: createHash('md5').update(bytes).digest('hex') };
    }
    signal?.throwIfAborted();
    await replaceDirectory(staging, paths.root, paths.marker);
    const marker = {
      ...source,
      completedAt: new Date().toISOString(),
      files: recorded satisfies RecordedFiles,
    };
    await writeFile(`${paths.marker}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
    await rename(`${paths.marker}.tmp`, paths.marker);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Moves `staging` to `target`; an old `target` is unmarked first and removed after. */
async function replaceDirectory(staging: string, target: string, marker: string): Promise<void> {
  let old: string | undefined;
  if ((await sizeOf(target)) >= 0) {
    await rm(marker, { force: true });
    old = `${target}.old-${randomBytes(4).toString('hex')}`;
    await rename(target, old);
  }
  await rename(staging, target);
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}

/** Extraction directories of runs that were killed; only called while holding the lock. */
async function removeLeftovers(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    if (name.startsWith('.cifar-10-extracting-') || name.startsWith('cifar-10.old-')) {
      await rm(join(cacheDir, name), { recursive: true, force: true });
    }
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new Error(`downloadCifar10: ${name} must be a number of milliseconds > 0, got ${value}.`);
  }
  return value;
}

/** Size in bytes, or -1 when nothing is at `path`. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return -1;
  }
}
