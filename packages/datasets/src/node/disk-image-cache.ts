import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecodedImageCache } from '../image-folder/image-folder-types.js';

/**
 * A {@link DecodedImageCache} on disk: one file of raw RGB bytes per image under `dir`
 * (`readImageFolder` uses `<cache dir>/decoded-images/`), in 256 subfolders by the key's
 * first two characters, written atomically, so concurrent runs share it safely. Nothing is
 * ever evicted: delete the folder to reclaim the space (about 3 KB an image at 32×32).
 *
 * @example
 * ```ts
 * const cache = diskImageCache('cache/decoded-images');
 * await cache.set('ab12.32.shorter-side.test', new Uint8Array([1, 2, 3]));
 * (await cache.get('ab12.32.shorter-side.test'))?.length; // 3
 * (await cache.get('cd34.32.shorter-side.test')) === undefined; // true
 * ```
 */
export function diskImageCache(dir: string): DecodedImageCache {
  const pathOf = (key: string) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(key)) {
      throw new Error(`diskImageCache: key ${JSON.stringify(key)} is not a safe file name.`);
    }
    return join(dir, key.slice(0, 2), key);
  };
  return {
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async set(key, pixels) {
      const path = pathOf(key);
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
      const temporary = `${path}.tmp-${randomBytes(4).toString('hex')}`;
      try {
        await writeFile(temporary, pixels);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}
