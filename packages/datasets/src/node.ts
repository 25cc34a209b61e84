/**
 * Node-only parts of @cnnkit/datasets: read CIFAR-10 from a directory or archive on disk,
 * download the official archive into a cache, and find it there again.
 *
 * @packageDocumentation
 */
export { defaultCacheDir } from './node/default-cache-dir.js';
export {
  CIFAR10_ARCHIVE_BYTES,
  CIFAR10_ARCHIVE_MD5,
  CIFAR10_URL,
  type DownloadCifar10Options,
  downloadCifar10,
} from './node/download-cifar10.js';
export type { DownloadProgress } from './node/download-to-file.js';
export { findCachedCifar10 } from './node/find-cached-cifar10.js';
export { openCifar10 } from './node/open-cifar10.js';
export { readCifar10Archive } from './node/read-cifar10-archive.js';
export { readCifar10Directory } from './node/read-cifar10-directory.js';
