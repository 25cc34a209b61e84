import { access } from 'node:fs/promises';
import { cifar10CachePaths } from './cifar10-cache-paths.js';
import { defaultCacheDir } from './default-cache-dir.js';

/**
 * The `cifar-10-batches-bin` directory of a completed {@link downloadCifar10} in `cacheDir`,
 * or null when there is none (never downloaded, or interrupted before it completed).
 *
 * @example
 * ```ts
 * const dir = await findCachedCifar10();
 * const data = dir ? await readCifar10Directory(dir) : undefined;
 * ```
 */
export async function findCachedCifar10(
  cacheDir: string = defaultCacheDir(),
): Promise<string | null> {
  const paths = cifar10CachePaths(cacheDir);
  try {
    await access(paths.marker);
    await access(paths.data);
    return paths.data;
  } catch {
    return null;
  }
}
