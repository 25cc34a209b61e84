import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

/** A regular file opened for reading, with its size when it was opened. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/**
 * Opens `path` for reading only when it is a regular file of at most `maxBytes` bytes, so a
 * FIFO (which would block), a device such as /dev/zero (endless) or a huge file fails at once
 * with an error naming it. `tooLarge(size)` words the error for a file over the limit.
 * Symbolic links are followed: their target is what is checked.
 */
export async function openRegularFile(
  path: string,
  maxBytes: number,
  tooLarge: (size: number) => string,
): Promise<OpenedFile> {
  // stat first: opening a FIFO for reading blocks until a writer comes, and stat does not.
  assertReadable(path, await statOrThrow(path), maxBytes, tooLarge);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, open still returns.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(`${path}: cannot open (${(error as Error).message}).`);
  }
  try {
    const stats = await handle.stat();
    assertReadable(path, stats, maxBytes, tooLarge);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The bytes of a regular file of at most `maxBytes` bytes (see {@link openRegularFile}). */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  tooLarge: (size: number) => string,
): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, maxBytes, tooLarge);
  try {
    // Never more than the size checked above, even if the file grows meanwhile.
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as Error).message}).`);
  } finally {
    await handle.close();
  }
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path}: no such file.`
        : `${path}: cannot read (${(error as Error).message}).`,
    );
  }
}

function assertReadable(
  path: string,
  stats: Stats,
  maxBytes: number,
  tooLarge: (size: number) => string,
): void {
  if (!stats.isFile()) {
    throw new Error(`${path}: not a regular file (${kindOf(stats)}); only regular files are read.`);
  }
  if (stats.size > maxBytes) throw new Error(`${path}: ${tooLarge(stats.size)}`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
