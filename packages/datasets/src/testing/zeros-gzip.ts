// Gzip bombs for tests, made by streaming zeros through zlib: megabytes on disk or in memory
// that unpack to as many gigabytes as asked, without ever holding them.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Bytes to write: a block as is, or a number of zero bytes. */
export type GzipPart = Uint8Array | number;

const ZEROS = new Uint8Array(1 << 20);

function* expand(parts: readonly GzipPart[]): Generator<Uint8Array> {
  for (const part of parts) {
    if (typeof part !== 'number') {
      yield part;
      continue;
    }
    for (let left = part; left > 0; left -= ZEROS.length) {
      yield left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left);
    }
  }
}

/** `parts` gzipped into memory (level 1 by default: fast, about 1/1000 for zeros). */
export async function gzipParts(parts: readonly GzipPart[], level = 1): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await pipeline(Readable.from(expand(parts)), createGzip({ level }), async (source) => {
    for await (const chunk of source) chunks.push(chunk as Uint8Array);
  });
  return new Uint8Array(Buffer.concat(chunks));
}

/** `parts` gzipped into the file `path`. */
export async function gzipPartsToFile(
  parts: readonly GzipPart[],
  path: string,
  level = 1,
): Promise<void> {
  await pipeline(Readable.from(expand(parts)), createGzip({ level }), createWriteStream(path));
}

/** `count` zero bytes, gzipped. */
export function gzipZeros(count: number, level = 1): Promise<Uint8Array> {
  return gzipParts([count], level);
}
