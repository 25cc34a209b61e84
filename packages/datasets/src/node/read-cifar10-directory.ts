import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR10_DIRECTORY, CIFAR10_FILES, CIFAR10_TEST_FILE } from '../cifar10-format.js';
import { cifar10FromFiles } from '../cifar10-from-files.js';
import type { Cifar10Data } from '../types.js';

/**
 * Reads an extracted CIFAR-10 binary data set: either the `cifar-10-batches-bin` directory
 * itself or a directory that contains it.
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
  for (const name of names) {
    if (CIFAR10_FILES.includes(name))
      files.set(name, new Uint8Array(await readFile(join(dir, name))));
  }
  return cifar10FromFiles(files, dir);
}
