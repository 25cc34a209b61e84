import { stat } from 'node:fs/promises';
import type { Cifar10Data } from '../types.js';
import { readCifar10Archive } from './read-cifar10-archive.js';
import { readCifar10Directory } from './read-cifar10-directory.js';

/**
 * Reads CIFAR-10 from a directory (see {@link readCifar10Directory}) or a `.tar.gz` archive
 * (see {@link readCifar10Archive}), whichever `pathOrDir` is. Both read only regular files and
 * check every size against what CIFAR-10 holds before reading, so memory stays bounded.
 *
 * @example
 * ```ts
 * // A .tar.gz or an extracted directory; cifar10SamplePath() from @cnnkit/cifar10-sample/node
 * // gives the embedded sample.
 * const { train } = await openCifar10('cifar-10-binary.tar.gz');
 * ```
 */
export async function openCifar10(pathOrDir: string): Promise<Cifar10Data> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(pathOrDir)).isDirectory();
  } catch (error) {
    throw new Error(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `No CIFAR-10 data at ${pathOrDir}: give an extracted cifar-10-batches-bin directory or a cifar-10-binary.tar.gz file, or fetch the data with downloadCifar10().`
        : `Cannot read ${pathOrDir}: ${(error as Error).message}.`,
    );
  }
  return isDirectory ? readCifar10Directory(pathOrDir) : readCifar10Archive(pathOrDir);
}
