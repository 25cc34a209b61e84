import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { formatCount } from '../format-count.js';
import { imageArchiveEntries } from '../image-folder/archive-entries.js';
import { MAX_ARCHIVE_UNPACKED_BYTES } from '../image-folder/image-folder-limits.js';
import type {
  DecodedImageCache,
  ImageDecoder,
  ImageFolderData,
  ImageFolderOptions,
} from '../image-folder/image-folder-types.js';
import { loadImageFolder } from '../image-folder/load-image-folder.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { diskImageCache } from './disk-image-cache.js';
import { listImageFolder } from './image-folder-directory.js';
import { openRegularFile } from './read-regular-file.js';
import { sharpImageDecoder } from './sharp-image-decoder.js';

/** Options of {@link readImageFolder}: {@link ImageFolderOptions}, and where to cache. */
export interface ReadImageFolderOptions extends ImageFolderOptions {
  /**
   * Where decoded images are kept between runs: `<cacheDir>/decoded-images/` (default cache
   * dir: `defaultCacheDir()`, `$CNNKIT_CACHE_DIR`). `null` caches nothing.
   */
  readonly cacheDir?: string | null;
  /** Default: {@link sharpImageDecoder}. */
  readonly decoder?: ImageDecoder;
  /** Default: the disk cache in `cacheDir`. */
  readonly cache?: DecodedImageCache;
}

/**
 * Reads an image folder — `root/<class>/<image>`, optionally with `train/` and `val/` (or
 * `test/`) folders — from a directory or a `.zip`, `.tar` or `.tar.gz` of one, into memory as
 * `ImageDataset`s of `imageSize`×`imageSize` RGB bytes (see {@link ImageFolderOptions} and
 * the package README for the order, the split and the limits). Images are decoded with sharp
 * on every CPU core, and cached on disk so that the next run decodes nothing; files that
 * cannot be used are skipped and listed in `report.skipped` (an error with `strict`).
 *
 * @example
 * ```ts
 * const { train, test, classNames, report } = await readImageFolder('photos', { imageSize: 32 });
 * classNames.join(' '); // 'cat dog'
 * train.count + test.count; // 6
 * report.split.kind; // 'seeded'
 * ```
 */
export async function readImageFolder(
  path: string,
  options: ReadImageFolderOptions = {},
): Promise<ImageFolderData> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path}: no such folder or file.`
        : `${path}: cannot read (${(error as Error).message}).`,
    );
  }
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cache =
    options.cache ??
    (cacheDir === null ? undefined : diskImageCache(join(cacheDir, 'decoded-images')));
  const tools = {
    decoder: options.decoder ?? (await sharpImageDecoder()),
    ...(cache ? { cache } : {}),
    contentHash: (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex'),
    defaultConcurrency: availableParallelism(),
  };
  if (isDirectory) {
    options.onProgress?.({ phase: 'indexing', files: 0 });
    const listing = await listImageFolder(path, (files) =>
      options.onProgress?.({ phase: 'indexing', files }),
    );
    return loadImageFolder(
      { name: path, entries: listing.entries, dirs: () => listing.dirs, listed: true },
      tools,
      options,
    );
  }
  const { handle, size } = await openRegularFile(
    path,
    MAX_ARCHIVE_UNPACKED_BYTES,
    (bytes) =>
      `${formatCount(bytes)} bytes, more than an image-folder archive may be (at most ${formatCount(MAX_ARCHIVE_UNPACKED_BYTES)} bytes); split it.`,
  );
  if (size === 0) {
    await handle.close();
    throw new Error(
      `${path}: the file is empty; give a folder of class folders or an archive of one.`,
    );
  }
  const file = handle.createReadStream({ highWaterMark: 256 * 1024 });
  const dirs: string[] = [];
  try {
    return await loadImageFolder(
      {
        name: path,
        entries: imageArchiveEntries(file, path, dirs, zlibGunzip(path)),
        dirs: () => dirs,
        listed: false,
      },
      tools,
      options,
    );
  } finally {
    file.destroy();
  }
}

/** gzip through Node's zlib (its own thread), with a readable error for a broken stream. */
function zlibGunzip(label: string) {
  return async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    const feeding = pipeline(chunks, gunzip).catch((error: Error) => {
      gunzip.destroy(error);
    });
    try {
      for await (const chunk of gunzip) yield chunk as Uint8Array;
    } catch (error) {
      throw new Error(
        `${label}: cannot decompress (${(error as Error).message}); the file is incomplete or not a .tar.gz.`,
      );
    } finally {
      gunzip.destroy();
      await feeding;
    }
  };
}
