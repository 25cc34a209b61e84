import { Cifar10ArchiveDecoder } from './cifar10-archive-decoder.js';
import { cifar10FromFiles } from './cifar10-from-files.js';
import { iterateChunks } from './iterate-chunks.js';
import type { Cifar10Data } from './types.js';

/**
 * Reads a CIFAR-10 binary `.tar.gz` or `.tar` as its bytes arrive, from a `ReadableStream`
 * (`file.stream()`, `response.body`) or any async iterable of byte chunks, without holding the
 * compressed or the unpacked archive in memory: only the CIFAR-10 files are kept. Works in
 * browsers and Node. `archiveName` is quoted in errors.
 *
 * Memory stays bounded for any input, as with {@link cifar10FromArchiveBytes}: reading stops
 * at the most a CIFAR-10 archive unpacks to (200,000,000 bytes), and an oversized entry is
 * refused at its header.
 *
 * @example
 * ```ts
 * const response = await fetch(archiveUrl);
 * const { train, test } = await cifar10FromArchiveStream(response.body, 'cifar-10-binary.tar.gz');
 * test.count; // 10
 * ```
 */
export async function cifar10FromArchiveStream(
  chunks: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  archiveName = 'archive',
): Promise<Cifar10Data> {
  const decoder = new Cifar10ArchiveDecoder(archiveName);
  for await (const chunk of iterateChunks(chunks)) decoder.push(chunk);
  return cifar10FromFiles(decoder.finish(), archiveName);
}
