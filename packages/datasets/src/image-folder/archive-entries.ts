import { Gunzip, Unzip, type UnzipFile, UnzipInflate } from 'fflate';
import { assertSafeEntryPath } from '../archive-entry-path.js';
import { formatCount } from '../format-count.js';
import { type TarEntry, TarStreamReader } from '../tar-stream-reader.js';
import { MAX_ARCHIVE_UNPACKED_BYTES, MAX_IMAGE_FILE_BYTES } from './image-folder-limits.js';
import type { ImageFolderEntry } from './image-folder-types.js';

/** Turns a gzip stream into its decompressed chunks (Node passes zlib's, off the main thread). */
export type GunzipStream = (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

const TAR_FILE_TYPES = new Set(['0', '\0', '7']);
const TAR_NAMED_TYPES = new Map([
  ['1', 'a hard link'],
  ['2', 'a symbolic link'],
  ['3', 'a character device'],
  ['4', 'a block device'],
  ['6', 'a FIFO'],
]);

const tooLarge = (bytes: number) =>
  `${formatCount(bytes)} bytes, more than an image may be (at most ${formatCount(MAX_IMAGE_FILE_BYTES)} bytes)`;

function kept(path: string, bytes: Uint8Array): ImageFolderEntry {
  return { path, size: bytes.byteLength, read: async () => bytes };
}

/**
 * The files of an image folder packed as a `.zip`, `.tar` or `.tar.gz` (recognised by their
 * first bytes), as they stream in: at most one file's bytes are held by the reader, and the
 * consumer's pace sets the reading pace. Folders are added to `dirs`. Links, devices and
 * files larger than an image may be are offered as refused entries, never read; an entry
 * whose path is absolute or climbs out with `..` refuses the whole archive, and so does an
 * archive that unpacks to more than 16 GiB.
 */
export async function* imageArchiveEntries(
  chunks: AsyncIterable<Uint8Array>,
  archiveName: string,
  dirs: string[],
  gunzip: GunzipStream = fflateGunzip,
): AsyncGenerator<ImageFolderEntry> {
  const iterator = chunks[Symbol.asyncIterator]();
  // Enough of the start to tell the formats apart (the tar magic is at byte 257).
  let head: Uint8Array = new Uint8Array(0);
  let ended = false;
  while (head.byteLength < 262 && !ended) {
    const next = await iterator.next();
    if (next.done) ended = true;
    else head = concat(head, next.value);
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (head.byteLength > 0) yield head;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) {
    yield* zipEntries(rest, archiveName, dirs);
  } else if (head[0] === 0x1f && head[1] === 0x8b) {
    yield* tarEntries(gunzip(rest), archiveName, dirs);
  } else if (
    head.byteLength >= 262 &&
    String.fromCharCode(...head.subarray(257, 262)) === 'ustar'
  ) {
    yield* tarEntries(rest, archiveName, dirs);
  } else {
    throw new Error(
      `${archiveName}: not a .zip, .tar or .tar.gz archive (nor a folder); give a folder of class folders or an archive of one.`,
    );
  }
}

async function* tarEntries(
  chunks: AsyncIterable<Uint8Array>,
  archiveName: string,
  dirs: string[],
): AsyncGenerator<ImageFolderEntry> {
  const ready: ImageFolderEntry[] = [];
  const reader = new TarStreamReader(archiveName, {
    onEntry: (entry: TarEntry) => {
      if (entry.type === '5') {
        dirs.push(entry.path.replace(/\/$/, ''));
        return false;
      }
      const named = TAR_NAMED_TYPES.get(entry.type);
      if (named !== undefined || !TAR_FILE_TYPES.has(entry.type)) {
        if (entry.path !== '') {
          ready.push({
            path: entry.path,
            refused: `${named ?? `a tar entry of type ${JSON.stringify(entry.type)}`}, not a file`,
          });
        }
        return false;
      }
      if (entry.size > MAX_IMAGE_FILE_BYTES) {
        ready.push({ path: entry.path, refused: tooLarge(entry.size) });
        return false;
      }
      return true;
    },
    onFile: (entry, data) => {
      ready.push(kept(entry.path, data));
    },
  });
  let unpacked = 0;
  for await (const chunk of chunks) {
    unpacked += chunk.byteLength;
    if (unpacked > MAX_ARCHIVE_UNPACKED_BYTES) {
      throw new Error(
        `${archiveName}: unpacks to more than ${formatCount(MAX_ARCHIVE_UNPACKED_BYTES)} bytes; stopped reading. Split the data set into smaller archives.`,
      );
    }
    reader.push(chunk);
    yield* ready.splice(0);
    if (reader.ended) break;
  }
  reader.end();
  yield* ready.splice(0);
}

async function* zipEntries(
  chunks: AsyncIterable<Uint8Array>,
  archiveName: string,
  dirs: string[],
): AsyncGenerator<ImageFolderEntry> {
  const ready: ImageFolderEntry[] = [];
  let unpacked = 0;
  let failure: Error | undefined;
  const unzip = new Unzip((file: UnzipFile) => {
    const path = file.name;
    try {
      assertSafeEntryPath(path, archiveName);
    } catch (error) {
      failure ??= error as Error;
      return;
    }
    if (path.endsWith('/')) {
      dirs.push(path.slice(0, -1));
      return;
    }
    if (file.originalSize !== undefined && file.originalSize > MAX_IMAGE_FILE_BYTES) {
      ready.push({ path, refused: tooLarge(file.originalSize) });
      return;
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    let done = false;
    file.ondata = (error, data, final) => {
      if (done) return;
      if (error) {
        done = true;
        ready.push({ path, refused: `cannot unzip it (${error.message})` });
        return;
      }
      size += data.byteLength;
      unpacked += data.byteLength;
      if (unpacked > MAX_ARCHIVE_UNPACKED_BYTES) {
        failure ??= new Error(
          `${archiveName}: unpacks to more than ${formatCount(MAX_ARCHIVE_UNPACKED_BYTES)} bytes; stopped reading. Split the data set into smaller archives.`,
        );
        done = true;
        return;
      }
      if (size > MAX_IMAGE_FILE_BYTES) {
        done = true;
        file.terminate();
        ready.push({ path, refused: tooLarge(size) });
        return;
      }
      parts.push(data);
      if (final) {
        done = true;
        ready.push(kept(path, concat(...parts)));
      }
    };
    try {
      file.start();
    } catch (error) {
      done = true;
      ready.push({
        path,
        refused: `compression method ${file.compression} is not supported (${(error as Error).message}); store or deflate it`,
      });
    }
  });
  unzip.register(UnzipInflate);
  for await (const chunk of chunks) {
    try {
      unzip.push(chunk);
    } catch (error) {
      throw new Error(`${archiveName}: cannot unzip (${(error as Error).message}).`);
    }
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  unzip.push(new Uint8Array(0), true);
  if (failure) throw failure;
  yield* ready.splice(0);
}

/** gzip inflated with fflate as the chunks stream in (browsers). */
async function* fflateGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const gunzip = new Gunzip((data) => {
    out.push(data);
  });
  for await (const chunk of chunks) {
    gunzip.push(chunk);
    yield* out.splice(0);
  }
  gunzip.push(new Uint8Array(0), true);
  yield* out.splice(0);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
