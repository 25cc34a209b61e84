import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR10_DIRECTORY, CIFAR10_FILES, CIFAR10_TEST_FILE } from '../cifar10-format.js';
import { cifar10FromFiles } from '../cifar10-from-files.js';
import { cifar10FileLimit, describeCifar10FileLimit } from '../cifar10-limits.js';
import { formatCount } from '../format-count.js';
import type { Cifar10Data } from '../types.js';
import { readRegularFile } from './read-regular-file.js';

/**
 * Reads an extracted CIFAR-10 binary data set: either the `cifar-10-batches-bin` directory
 * itself or a directory that contains it. Only regular files (or links to them) are read, and
 * each file's size is checked against the most its CIFAR-10 file holds (30,730,000 bytes for a
 * batch) before it is read.
 *
 * @example
 * ```ts
 * const { train, test } = await readCifar10Directory('cifar-10-batches-bin');
 * ```
 */
export async function readCifar10Directory(dir: string): Promise<Cifar10Data> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`Cannot read CIFAR-10 directory ${dir}: ${(error as Error).message}.`);
  }
  if (!names.includes(CIFAR10_TEST_FILE) && names.includes(CIFAR10_DIRECTORY)) {
    return readCifar10Directory(join(dir, CIFAR10_DIRECTORY));
  }
  const files = new Map<string, Uint8Array>();
  for (const name of CIFAR10_FILES) {
    if (!names.includes(name)) continue;
    files.set(
      name,
      await readRegularFile(
        join(dir, name),
        cifar10FileLimit(name),
        (size) =>
          `${formatCount(size)} bytes, more than a CIFAR-10 ${name} holds (at most ${describeCifar10FileLimit(name)}); it is not CIFAR-10 binary.`,
      ),
    );
  }
  return cifar10FromFiles(files, dir);
}
