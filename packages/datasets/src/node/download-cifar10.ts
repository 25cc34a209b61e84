import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CIFAR10_DIRECTORY, CIFAR10_FILES } from '../cifar10-format.js';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { type DownloadProgress, downloadToFile } from './download-to-file.js';
import { extractTarGz } from './extract-tar-gz.js';
import { fileMd5 } from './file-md5.js';
import { findCachedCifar10 } from './find-cached-cifar10.js';

/** The official CIFAR-10 binary archive (Alex Krizhevsky's page). */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_ARCHIVE_BYTES = 170_052_171;

export interface DownloadCifar10Options {
  /** Cache directory (default {@link defaultCacheDir}). */
  readonly cacheDir?: string;
  /** Mirror serving the same archive (default {@link CIFAR10_URL}). */
  readonly url?: string;
  /** Expected MD5 in hex (default the official archive's). */
  readonly md5?: string;
  /** Expected size in bytes (default the official archive's). */
  readonly size?: number;
  /** Further attempts after a failed one, each resuming where the last stopped (default 5). */
  readonly retries?: number;
  /** Wait before the first retry, doubled each time (default 1,000 ms). */
  readonly retryDelayMs?: number;
  /** Download again even when a complete cache exists; the old one stays until the new one is ready. */
  readonly force?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Downloads, verifies and extracts the CIFAR-10 binary archive into the cache and returns
 * the `cifar-10-batches-bin` directory; returns at once when the cache is already complete.
 *
 * Safe to interrupt: the archive downloads to a `.partial` file that the next call resumes
 * (HTTP Range), extraction happens in a temporary directory renamed into place, and the
 * completion marker is written last, so a failed or aborted run never leaves a cache that
 * looks complete and never damages a complete one.
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

  if (!options.force) {
    const cached = await findCachedCifar10(cacheDir);
    if (cached !== null) return cached;
  }
  await mkdir(dirname(paths.partial), { recursive: true });
  // A previous run may have received every byte and stopped before verifying them.
  const alreadyWhole =
    (await sizeOf(paths.partial)) === size && (await fileMd5(paths.partial)) === md5;
  if (!alreadyWhole) {
    await downloadToFile({
      url,
      destination: paths.partial,
      infoFile: paths.partialInfo,
      retries: options.retries ?? 5,
      retryDelayMs: options.retryDelayMs ?? 1000,
      onProgress: options.onProgress,
      signal,
    });
    const gotSize = await sizeOf(paths.partial);
    const gotMd5 = await fileMd5(paths.partial);
    if (gotSize !== size || gotMd5 !== md5) {
      await rm(paths.partial, { force: true });
      await rm(paths.partialInfo, { force: true });
      throw new Error(
        `Downloaded ${url}: got ${gotSize} bytes with MD5 ${gotMd5}, expected ${size} bytes with MD5 ${md5}. The file is corrupt or the mirror serves a different file; it was deleted. Try again, or pass another mirror URL.`,
      );
    }
  }
  signal?.throwIfAborted();

  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(join(cacheDir, '.cifar-10-extracting-'));
  try {
    await extractTarGz(paths.partial, staging, url);
    await assertCompleteLayout(join(staging, CIFAR10_DIRECTORY), url);
    signal?.throwIfAborted();
    await replaceDirectory(staging, paths.root, paths.marker);
    const marker = { url, md5, size, completedAt: new Date().toISOString() };
    await writeFile(`${paths.marker}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
    await rename(`${paths.marker}.tmp`, paths.marker);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(paths.partial, { force: true });
  await rm(paths.partialInfo, { force: true });
  return paths.data;
}

async function assertCompleteLayout(dataDir: string, source: string): Promise<void> {
  const missing: string[] = [];
  for (const name of CIFAR10_FILES) {
    try {
      await access(join(dataDir, name));
    } catch {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `${source}: the archive lacks ${CIFAR10_DIRECTORY}/${missing.join(', ')}; it is not the CIFAR-10 binary archive. Check the URL.`,
    );
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

/** Size in bytes, or -1 when nothing is at `path`. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return -1;
  }
}
