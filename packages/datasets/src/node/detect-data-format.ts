import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CIFAR10_DIRECTORY, CIFAR10_FILES } from '../cifar10-format.js';
import { isIgnoredPath } from '../image-folder/ignored-paths.js';
import { TarStreamReader } from '../tar-stream-reader.js';
import { openRegularFile } from './read-regular-file.js';

/** What a data path holds. */
export type DataFormat = 'cifar10' | 'image-folder';

/** Entries looked at in a tar before deciding: the official archive's come first. */
const TAR_ENTRIES_LOOKED_AT = 64;

const isCifarName = (path: string) => CIFAR10_FILES.includes(path.slice(path.lastIndexOf('/') + 1));

/**
 * Whether `path` is CIFAR-10 in its binary format (a directory holding its files or a
 * `cifar-10-batches-bin/`, or a `.tar(.gz)` whose first entries are those files) or an image
 * folder (a directory of class folders, or a `.zip` / `.tar(.gz)` of one). Reads only names:
 * a directory's top two levels, a zip's first bytes, a tar's first 64 entries.
 *
 * @example
 * ```ts
 * await detectDataFormat('cifar-10-binary.tar.gz'); // 'cifar10'
 * await detectDataFormat('cifar-10-batches-bin'); // 'cifar10'
 * await detectDataFormat('photos'); // 'image-folder'
 * ```
 */
export async function detectDataFormat(path: string): Promise<DataFormat> {
  const stats = await stat(path);
  if (stats.isDirectory()) {
    const names = await readdir(path);
    if (names.some(isCifarName)) return 'cifar10';
    if (names.includes(CIFAR10_DIRECTORY)) {
      const inner = await readdir(join(path, CIFAR10_DIRECTORY)).catch(() => []);
      if (inner.some(isCifarName)) return 'cifar10';
    }
    return 'image-folder';
  }
  const head = await readHead(path, 4);
  if (head[0] === 0x50 && head[1] === 0x4b) return 'image-folder';
  return (await tarHoldsCifar10(path, head[0] === 0x1f && head[1] === 0x8b))
    ? 'cifar10'
    : 'image-folder';
}

/**
 * The first bytes of `path`, opened only when it is a regular file: a FIFO would block the
 * read for ever and a device never ends, so both fail here naming the path.
 */
async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const { handle } = await openRegularFile(path, Number.MAX_SAFE_INTEGER, () => '');
  try {
    const head = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function tarHoldsCifar10(path: string, gzip: boolean): Promise<boolean> {
  let seen = 0;
  let verdict: boolean | undefined;
  const reader = new TarStreamReader(path, {
    onEntry: (entry) => {
      if (entry.type === '5' || isIgnoredPath(entry.path)) return false;
      seen++;
      if (isCifarName(entry.path)) verdict = true;
      else if (seen >= TAR_ENTRIES_LOOKED_AT) verdict ??= false;
      return false;
    },
    onFile: () => {},
  });
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  const stream = gzip ? file.pipe(createGunzip()) : file;
  try {
    for await (const chunk of stream) {
      reader.push(chunk as Uint8Array);
      if (verdict !== undefined || reader.ended) break;
    }
  } catch {
    // Not a readable tar: the image-folder reader reports what is wrong with it.
    return false;
  } finally {
    file.destroy();
    stream.destroy();
  }
  return verdict ?? false;
}
