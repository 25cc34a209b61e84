import { iterateChunks } from '../iterate-chunks.js';
import { imageArchiveEntries } from './archive-entries.js';
import { browserImageDecoder } from './browser-image-decoder.js';
import type {
  DecodedImageCache,
  ImageDecoder,
  ImageFolderData,
  ImageFolderEntry,
  ImageFolderOptions,
} from './image-folder-types.js';
import { loadImageFolder } from './load-image-folder.js';
import { memoryImageCache } from './memory-image-cache.js';
import { webContentHash } from './web-content-hash.js';

/** Options of the browser readers: {@link ImageFolderOptions}, and what decodes and caches. */
export interface BrowserImageFolderOptions extends ImageFolderOptions {
  /** Default: {@link browserImageDecoder} (createImageBitmap + OffscreenCanvas). */
  readonly decoder?: ImageDecoder;
  /**
   * Default: one {@link memoryImageCache} shared by every call in this page or worker, so that
   * reading the same images again decodes nothing; `null` caches nothing.
   */
  readonly cache?: DecodedImageCache | null;
}

let sharedCache: DecodedImageCache | undefined;

function tools(options: BrowserImageFolderOptions) {
  if (options.cache === undefined) sharedCache ??= memoryImageCache();
  const cache = options.cache === null ? undefined : (options.cache ?? sharedCache);
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return {
    decoder: options.decoder ?? browserImageDecoder(),
    // No Web Crypto (a page on plain http): nothing is cached.
    ...(cache !== undefined && globalThis.crypto?.subtle !== undefined ? { cache } : {}),
    contentHash: webContentHash,
    defaultConcurrency: Math.max(1, Math.min(4, hardware ?? 2)),
  };
}

/** A picked file: a `File` from `<input webkitdirectory>` (its `webkitRelativePath`), or a path and its bytes. */
export type PickedFile = File | { readonly path: string; readonly file: Blob };

/**
 * Reads an image folder the user picked — `<input type="file" webkitdirectory>`'s files, or
 * files with their paths from a directory handle or a drop — in a page or a Web Worker.
 * Paths are relative to the picked folder (its own name included, as `webkitRelativePath`
 * gives them: a single top folder is looked into). `name` is quoted in messages.
 *
 * @example
 * ```ts
 * // In a page: imageFolderFromFiles(input.files, 'photos'). Here in Node, paths and Blobs,
 * // decoded with sharp instead of the browser:
 * const files = ['cat/1.png', 'cat/2.png', 'dog/1.png', 'dog/2.png'].map((path) => ({
 *   path,
 *   file: new Blob([readFileSync(`photos/${path}`)]),
 * }));
 * const data = await imageFolderFromFiles(files, 'photos', { decoder: await sharpImageDecoder(), valSplit: 0.5 });
 * data.classNames.join(' '); // 'cat dog'
 * data.test.count; // 2
 * data.report.skipped.length; // 0
 * ```
 */
export async function imageFolderFromFiles(
  files: Iterable<PickedFile> | ArrayLike<PickedFile>,
  name: string,
  options: BrowserImageFolderOptions = {},
): Promise<ImageFolderData> {
  const entries: ImageFolderEntry[] = Array.from(files as ArrayLike<PickedFile>, (item) => {
    const path =
      'path' in item && typeof item.path === 'string'
        ? item.path
        : (item as { webkitRelativePath?: string }).webkitRelativePath || (item as File).name;
    const blob = 'file' in item ? item.file : (item as File);
    return {
      path: path.replace(/^\.?\//, ''),
      size: blob.size,
      read: async () => new Uint8Array(await blob.arrayBuffer()),
    };
  });
  return loadImageFolder({ name, entries, listed: true }, tools(options), options);
}

/**
 * Reads an image folder packed as a `.zip`, `.tar` or `.tar.gz` as it streams in
 * (`file.stream()`, `response.body`): images are decoded as they arrive and the archive is
 * never held whole. `name` is quoted in messages.
 *
 * @example
 * ```ts
 * // In a page: imageFolderFromArchiveStream(zipFile.stream(), zipFile.name).
 * const zip = new Blob([readFileSync('photos.zip')]);
 * const data = await imageFolderFromArchiveStream(zip.stream(), 'photos.zip', { decoder: await sharpImageDecoder() });
 * data.report.root; // 'photos'
 * data.train.count + data.test.count; // 6
 * ```
 */
export async function imageFolderFromArchiveStream(
  chunks: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  name: string,
  options: BrowserImageFolderOptions = {},
): Promise<ImageFolderData> {
  const dirs: string[] = [];
  return loadImageFolder(
    {
      name,
      entries: imageArchiveEntries(iterateChunks(chunks), name, dirs),
      dirs: () => dirs,
      listed: false,
    },
    tools(options),
    options,
  );
}
