import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR10_FILES } from '../cifar10-format.js';
import { formatCount } from '../format-count.js';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { fileMd5 } from './file-md5.js';
import { findCachedCifar10 } from './find-cached-cifar10.js';
import { CIFAR10_ARCHIVE_MD5, CIFAR10_OFFICIAL_FILE_BYTES } from './official-archive.js';

/** What {@link checkCachedCifar10} found. */
export interface Cifar10CacheCheck {
  /** The `cifar-10-batches-bin` directory of the completed download, or null when there is none. */
  readonly dir: string | null;
  /** One line per damaged or missing file; empty when the cache is whole. */
  readonly problems: readonly string[];
  /** Whether MD5s were compared (asked for, and recorded when the cache was made). */
  readonly checkedMd5: boolean;
}

/** Size and MD5 of each extracted file, written into `complete.json` by {@link downloadCifar10}. */
export type RecordedFiles = Readonly<
  Record<string, { readonly bytes: number; readonly md5?: string | undefined }>
>;

/**
 * Checks a completed {@link downloadCifar10} cache against what was recorded when it was
 * extracted: every file is there, is a regular file and has its size; with `md5: true` also
 * its MD5 (which reads all 184 MB). Catches a cache truncated or edited since.
 *
 * @example
 * ```ts
 * await downloadCifar10();
 * const { dir, problems } = await checkCachedCifar10({ md5: true });
 * problems.length; // 0
 * ```
 */
export async function checkCachedCifar10(
  options: { readonly cacheDir?: string; readonly md5?: boolean } = {},
): Promise<Cifar10CacheCheck> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = await findCachedCifar10(cacheDir);
  if (dir === null) return { dir, problems: [], checkedMd5: false };
  const recorded = await readRecordedFiles(cifar10CachePaths(cacheDir).marker);
  const checkMd5 =
    options.md5 === true && recorded !== undefined && CIFAR10_FILES.every((n) => recorded[n]?.md5);
  const problems: string[] = [];
  for (const name of CIFAR10_FILES) {
    const path = join(dir, name);
    let stats: Awaited<ReturnType<typeof stat>>;
    try {
      stats = await stat(path);
    } catch {
      problems.push(`${name} is missing`);
      continue;
    }
    if (!stats.isFile()) {
      problems.push(`${name} is not a regular file`);
      continue;
    }
    const expected = recorded?.[name];
    if (expected !== undefined && stats.size !== expected.bytes) {
      problems.push(
        `${name} is ${formatCount(stats.size)} bytes, ${formatCount(expected.bytes)} expected`,
      );
      continue;
    }
    if (checkMd5 && (await fileMd5(path)) !== expected?.md5) {
      problems.push(`${name} has another MD5 than when it was downloaded`);
    }
  }
  return { dir, problems, checkedMd5: checkMd5 };
}

/**
 * The files recorded in `complete.json`. A cache made by an older cnnkit has none: if it holds
 * the official archive, its files have the official sizes.
 */
async function readRecordedFiles(marker: string): Promise<RecordedFiles | undefined> {
  let parsed: { files?: RecordedFiles; md5?: string };
  try {
    parsed = JSON.parse(await readFile(marker, 'utf8'));
  } catch {
    return undefined;
  }
  if (parsed.files !== undefined) return parsed.files;
  if (parsed.md5 !== CIFAR10_ARCHIVE_MD5) return undefined;
  return Object.fromEntries(
    Object.entries(CIFAR10_OFFICIAL_FILE_BYTES).map(([name, bytes]) => [name, { bytes }]),
  );
}
