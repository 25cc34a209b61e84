import { gunzipSync } from 'fflate';
import { CIFAR10_FILES } from './cifar10-format.js';
import { cifar10FromFiles } from './cifar10-from-files.js';
import { readTarEntries } from './read-tar-entries.js';
import type { Cifar10Data } from './types.js';

/**
 * Reads a whole CIFAR-10 binary `.tar.gz` (the official archive or a sample in the same
 * layout) from bytes in memory. Works in browsers and Node; in Node, `readCifar10Archive`
 * from `@cnnkit/datasets/node` reads from a path. `archiveName` is quoted in errors.
 *
 * @example
 * ```ts
 * // In a browser: fetch it (e.g. cifar10SampleUrl from @cnnkit/cifar10-sample) or take a File.
 * const bytes = new Uint8Array(await (await fetch(archiveUrl)).arrayBuffer());
 * const { train, test } = cifar10FromArchiveBytes(bytes, 'cifar-10-binary.tar.gz');
 * train.classNames[1]; // 'automobile'
 * ```
 */
export function cifar10FromArchiveBytes(archive: Uint8Array, archiveName = 'archive'): Cifar10Data {
  const isGzip = archive[0] === 0x1f && archive[1] === 0x8b;
  let tar: Uint8Array;
  try {
    tar = isGzip ? gunzipSync(archive) : archive;
  } catch (error) {
    throw new Error(
      `${archiveName}: cannot decompress (${(error as Error).message}); the download is incomplete or the file is not a .tar.gz. Delete it and download it again.`,
    );
  }
  return cifar10FromFiles(cifar10FilesInTar(tar, archiveName), archiveName);
}

/** The CIFAR-10 files of a tar, keyed by file name, wherever the archive's top directory is. */
export function cifar10FilesInTar(tar: Uint8Array, archiveName: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const foundAt = new Map<string, string>();
  for (const [path, data] of readTarEntries(tar, archiveName)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!CIFAR10_FILES.includes(name)) continue;
    const previous = foundAt.get(name);
    if (previous !== undefined) {
      throw new Error(
        `${archiveName}: holds ${name} twice (${previous} and ${path}); keep one CIFAR-10 copy per archive.`,
      );
    }
    foundAt.set(name, path);
    files.set(name, data);
  }
  return files;
}
