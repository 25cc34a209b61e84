import { join } from 'node:path';
import { CIFAR10_DIRECTORY } from '../cifar10-format.js';

/** Where CIFAR-10 lives inside a cache directory. */
export interface Cifar10CachePaths {
  /** Directory swapped into place as a whole once extraction succeeded. */
  readonly root: string;
  /** The extracted `cifar-10-batches-bin` directory. */
  readonly data: string;
  /** Written last; without it the cache is incomplete and is redone. */
  readonly marker: string;
  /** The archive while it downloads; kept after an interruption so the next run resumes. */
  readonly partial: string;
  /** Validators (ETag, Last-Modified) of the partial download, for `If-Range`. */
  readonly partialInfo: string;
  /** Held by the process downloading into this cache. */
  readonly lock: string;
}

export function cifar10CachePaths(cacheDir: string): Cifar10CachePaths {
  const root = join(cacheDir, 'cifar-10');
  const partial = join(cacheDir, 'downloads', 'cifar-10-binary.tar.gz.partial');
  return {
    root,
    data: join(root, CIFAR10_DIRECTORY),
    marker: join(root, 'complete.json'),
    partial,
    partialInfo: `${partial}.json`,
    lock: join(cacheDir, 'downloads', 'cifar-10.lock'),
  };
}
