import { Cifar10ArchiveDecoder } from './cifar10-archive-decoder.js';
import { cifar10FromFiles } from './cifar10-from-files.js';
import type { Cifar10Data } from './types.js';

/**
 * Reads a whole CIFAR-10 binary `.tar.gz` or `.tar` (the official archive or a sample in the
 * same layout) from bytes in memory. Works in browsers and Node; in Node,
 * `readCifar10Archive` from `@cnnkit/datasets/node` reads from a path, and
 * {@link cifar10FromArchiveStream} reads as the bytes arrive. `archiveName` is quoted in errors.
 *
 * Memory stays bounded for any input: the archive is inflated in slices and stops at the most
 * a CIFAR-10 archive unpacks to (200,000,000 bytes), and an entry larger than its CIFAR-10 file
 * may be (30,730,000 bytes for a batch) is refused at its header.
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
  const decoder = new Cifar10ArchiveDecoder(archiveName);
  decoder.push(archive);
  return cifar10FromFiles(decoder.finish(), archiveName);
}
