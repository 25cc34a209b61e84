import { assertSafeEntryPath } from './archive-entry-path.js';

const BLOCK = 512;

/**
 * Regular files of an uncompressed tar archive (ustar, pax and GNU long names), keyed by
 * path. The file contents are views into `tar`, not copies.
 *
 * Why not nanotar: it silently rewrites `../x` and `/x` to `x` (we must refuse such entries),
 * ignores the ustar `prefix` field of long paths and misreads Uint8Array views that do not
 * start at offset 0 of their buffer.
 *
 * @example
 * ```ts
 * const entries = readTarEntries(tarBytes, 'cifar-10-binary.tar');
 * entries.get('cifar-10-batches-bin/test_batch.bin'); // Uint8Array
 * ```
 */
export function readTarEntries(tar: Uint8Array, archiveName: string): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumMatches(header)) {
      throw new Error(
        `${archiveName}: tar header at byte ${offset} has a bad checksum; the archive is corrupt or not a tar file.`,
      );
    }
    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] as number);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) {
      throw new Error(
        `${archiveName}: tar entry at byte ${offset} claims ${size} bytes but the archive ends at ${tar.length}; the archive is truncated.`,
      );
    }
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      longName = readPaxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = readString(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = readString(header, 345, 155);
    const shortName = readString(header, 0, 100);
    const name = longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    longName = undefined;
    assertSafeEntryPath(name, archiveName);
    if (type === '0' || type === '\0' || type === '7') entries.set(name.replace(/^\.\//, ''), data);
  }
  return entries;
}

function readString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(bytes: Uint8Array, start: number, length: number): number {
  // GNU tar writes sizes ≥ 8 GiB in base-256 (high bit set); CIFAR files are far smaller.
  const text = readString(bytes, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  return sum === readOctal(header, 148, 8);
}

function readPaxPath(data: Uint8Array): string | undefined {
  // Records are "<length> <key>=<value>\n"; the length counts the whole record in bytes.
  let pos = 0;
  let path: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(new TextDecoder().decode(data.subarray(pos, space)), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = new TextDecoder().decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    pos += length;
  }
  return path;
}
