import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { cifar10FilesInTar } from '../cifar10-from-archive-bytes.js';
import { cifar10FromFiles } from '../cifar10-from-files.js';
import type { Cifar10Data } from '../types.js';

const gunzipAsync = promisify(gunzip);

/**
 * Reads a CIFAR-10 binary `.tar.gz` (official archive or a sample in the same layout)
 * without extracting it to disk. Uses Node's native zlib off the main thread.
 *
 * @example
 * ```ts
 * const { train, test } = await readCifar10Archive('cifar-10-binary.tar.gz');
 * ```
 */
export async function readCifar10Archive(path: string): Promise<Cifar10Data> {
  let archive: Buffer;
  try {
    archive = await readFile(path);
  } catch (error) {
    throw new Error(`Cannot read CIFAR-10 archive ${path}: ${(error as Error).message}.`);
  }
  let tar: Uint8Array;
  try {
    tar = archive[0] === 0x1f && archive[1] === 0x8b ? await gunzipAsync(archive) : archive;
  } catch (error) {
    throw new Error(
      `${path}: cannot decompress (${(error as Error).message}); the file is incomplete or not a .tar.gz. Delete it and download it again.`,
    );
  }
  return cifar10FromFiles(cifar10FilesInTar(tar, path), path);
}
