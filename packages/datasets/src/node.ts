/**
 * Node-only parts of @cnnkit/datasets: read CIFAR-10 from a directory or archive on disk,
 * download the official archive into a cache, and find and check it there again; read image
 * folders (directories and archives) with sharp, caching decoded images on disk.
 *
 * @packageDocumentation
 */
export type { LockHolder } from './node/cache-lock.js';
export { type Cifar10CacheCheck, checkCachedCifar10 } from './node/check-cached-cifar10.js';
export { defaultCacheDir } from './node/default-cache-dir.js';
export { type DataFormat, detectDataFormat } from './node/detect-data-format.js';
export { diskImageCache } from './node/disk-image-cache.js';
export { type DownloadCifar10Options, downloadCifar10 } from './node/download-cifar10.js';
export type { DownloadProgress, DownloadRetry } from './node/download-to-file.js';
export { findCachedCifar10 } from './node/find-cached-cifar10.js';
export {
  CIFAR10_ARCHIVE_BYTES,
  CIFAR10_ARCHIVE_MD5,
  CIFAR10_URL,
} from './node/official-archive.js';
export { openCifar10 } from './node/open-cifar10.js';
export { readCifar10Archive } from './node/read-cifar10-archive.js';
export { readCifar10Directory } from './node/read-cifar10-directory.js';
export { type ReadImageFolderOptions, readImageFolder } from './node/read-image-folder.js';
export { sharpImageDecoder } from './node/sharp-image-decoder.js';
