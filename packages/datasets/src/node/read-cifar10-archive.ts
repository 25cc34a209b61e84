import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { cifar10FromFiles } from '../cifar10-from-files.js';
import { CIFAR10_MAX_TAR_BYTES } from '../cifar10-limits.js';
import { Cifar10TarCollector } from '../cifar10-tar-collector.js';
import { formatCount } from '../format-count.js';
import type { Cifar10Data } from '../types.js';
import { openRegularFile } from './read-regular-file.js';

/**
 * Reads a CIFAR-10 binary `.tar.gz` or `.tar` (official archive or a sample in the same
 * layout) without extracting it to disk: streamed through Node's zlib (off the main thread),
 * keeping only the CIFAR-10 files. Only a regular file of at most 200,000,000 bytes is read,
 * and reading stops once the archive unpacks to more than that, so a gzip bomb or an entry
 * larger than its CIFAR-10 file fails with an error instead of filling the memory.
 *
 * @example
 * ```ts
 * const { train, test } = await readCifar10Archive('cifar-10-binary.tar.gz');
 * ```
 */
export async function readCifar10Archive(path: string): Promise<Cifar10Data> {
  return cifar10FromFiles(await readCifar10ArchiveFiles(path, path), path);
}

/** The CIFAR-10 files of the archive at `path`, by file name; `label` is quoted in errors. */
export async function readCifar10ArchiveFiles(
  path: string,
  label: string,
): Promise<Map<string, Uint8Array>> {
  const { handle, size } = await openRegularFile(
    path,
    CIFAR10_MAX_TAR_BYTES,
    (bytes) =>
      `${formatCount(bytes)} bytes, more than a CIFAR-10 archive holds (at most ${formatCount(CIFAR10_MAX_TAR_BYTES)} bytes); it is not a CIFAR-10 archive.`,
  );
  if (size === 0) {
    await handle.close();
    throw new Error(`${label}: the file is empty; it is not a CIFAR-10 archive.`);
  }
  const head = new Uint8Array(2);
  try {
    await handle.read(head, 0, 2, 0);
  } catch (error) {
    await handle.close();
    throw new Error(`${label}: cannot read (${(error as Error).message}).`);
  }
  const isGzip = head[0] === 0x1f && head[1] === 0x8b;
  const collector = new Cifar10TarCollector(label);
  let collectorError: unknown;
  // Only the collector's own errors are kept as they are: on Node >= 22 a zlib error also
  // surfaces through the chunks' iterator, and must be worded as one below.
  const collect = async (chunks: AsyncIterable<Uint8Array>) => {
    for await (const chunk of chunks) {
      try {
        collector.push(chunk);
      } catch (error) {
        collectorError = error;
        throw error;
      }
    }
  };
  // autoClose: the stream closes the handle when it ends or is destroyed.
  const file = handle.createReadStream({ start: 0, highWaterMark: 64 * 1024 });
  try {
    if (isGzip) await pipeline(file, createGunzip({ chunkSize: 64 * 1024 }), collect);
    else await pipeline(file, collect);
  } catch (error) {
    if (collectorError !== undefined) throw collectorError;
    const zlibError =
      typeof (error as { code?: unknown }).code === 'string' &&
      (error as { code: string }).code.startsWith('Z_');
    throw new Error(
      zlibError
        ? `${label}: cannot decompress (${(error as Error).message}); the file is incomplete or not a .tar.gz. Delete it and download it again.`
        : `${label}: cannot read (${(error as Error).message}).`,
    );
  }
  return collector.finish();
}
