import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { UserError } from './user-errors.js';

/**
 * The bytes of `path` when it is a regular file of at most `maxBytes` bytes; otherwise a
 * one-line {@link UserError} naming it. A FIFO (whose open would block for ever), a device such
 * as /dev/zero (endless) or a huge sparse file fail before anything is read or allocated.
 * `tooLarge(size)` words the error for a file over the limit.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  tooLarge: (size: number) => string,
): Promise<Uint8Array> {
  let stats: Stats;
  try {
    // stat, not open, first: opening a FIFO for reading blocks until a writer comes.
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `${path}: no such file.`
        : `${path}: cannot read (${(error as Error).message}).`,
    );
  }
  check(path, stats, maxBytes, tooLarge);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, open still returns.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new UserError(`${path}: cannot read (${(error as Error).message}).`);
  }
  try {
    const opened = await handle.stat();
    check(path, opened, maxBytes, tooLarge);
    // Never more than the size checked, even if the file grows meanwhile.
    const bytes = new Uint8Array(opened.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${path}: cannot read (${(error as Error).message}).`);
  } finally {
    await handle.close();
  }
}

function check(
  path: string,
  stats: Stats,
  maxBytes: number,
  tooLarge: (size: number) => string,
): void {
  if (!stats.isFile()) {
    throw new UserError(
      `${path}: not a regular file (${kindOf(stats)}); only regular files are read.`,
    );
  }
  if (stats.size > maxBytes) throw new UserError(`${path}: ${tooLarge(stats.size)}`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
