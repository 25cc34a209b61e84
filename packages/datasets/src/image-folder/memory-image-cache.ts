import type { DecodedImageCache } from './image-folder-types.js';

/**
 * A {@link DecodedImageCache} in memory, for browsers (and tests): up to `maxBytes` of decoded
 * images (default 512 MiB), the least recently used dropped first. Keep one per page or
 * worker, so that training a folder again decodes nothing.
 *
 * @example
 * ```ts
 * const cache = memoryImageCache({ maxBytes: 6 });
 * await cache.set('a', new Uint8Array(3));
 * await cache.set('b', new Uint8Array(3));
 * await cache.set('c', new Uint8Array(3)); // drops 'a'
 * (await cache.get('a')) === undefined; // true
 * (await cache.get('c'))?.length; // 3
 * ```
 */
export function memoryImageCache({
  maxBytes = 512 * 1024 * 1024,
}: {
  readonly maxBytes?: number;
} = {}): DecodedImageCache {
  const entries = new Map<string, Uint8Array>();
  let bytes = 0;
  return {
    async get(key) {
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    async set(key, pixels) {
      const previous = entries.get(key);
      if (previous !== undefined) {
        bytes -= previous.byteLength;
        entries.delete(key);
      }
      if (pixels.byteLength > maxBytes) return;
      entries.set(key, pixels);
      bytes += pixels.byteLength;
      for (const [oldest, value] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= value.byteLength;
      }
    },
  };
}
