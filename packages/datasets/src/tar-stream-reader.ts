import { assertSafeEntryPath } from './archive-entry-path.js';
import { formatCount } from './format-count.js';

const BLOCK = 512;
/** pax and GNU long-name records hold a path or two; a larger one is not a real archive. */
const MAX_EXTENDED_HEADER_BYTES = 1024 * 1024;

/** One entry of a tar archive, as its header (and any pax / GNU long-name record) describes it. */
export interface TarEntry {
  /** Path inside the archive, without a leading `./`. */
  readonly path: string;
  readonly size: number;
  /** The ustar type flag: `'0'`, `'\0'` or `'7'` a file, `'5'` a directory, `'1'`/`'2'` links, … */
  readonly type: string;
  /** Byte offset of the entry's header in the tar stream. */
  readonly offset: number;
}

/** What a {@link TarStreamReader} tells its user about each entry. */
export interface TarEntryHandler {
  /**
   * Called at each entry's header, before any of its bytes: return true to receive them in
   * {@link onFile}, false to skip them unread. Throw to refuse the entry (and the archive).
   */
  onEntry(entry: TarEntry): boolean;
  onFile(entry: TarEntry, data: Uint8Array): void;
}

type Phase = 'header' | 'data' | 'padding' | 'end';

/**
 * Reads a tar stream (ustar, pax and GNU long names) pushed in chunks of any size, keeping at
 * most one wanted entry in memory: its user decides from each header, before the entry's bytes
 * arrive, whether to take them, so a huge entry is refused or skipped without being buffered.
 * Every path is checked with `assertSafeEntryPath`.
 *
 * Why not nanotar or tar-stream: nanotar silently rewrites `../x` and `/x` to `x` (we must
 * refuse such entries), ignores the ustar `prefix` of long paths and reads only whole buffers;
 * tar-stream is built on Node streams, which browsers lack.
 */
export class TarStreamReader {
  private phase: Phase = 'header';
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Bytes of the current entry's data still to come, then of its padding to 512. */
  private remaining = 0;
  private entry: TarEntry | undefined;
  private kind: 'wanted' | 'skipped' | 'pax' | 'long-name' = 'skipped';
  private data: Uint8Array | undefined;
  private dataFill = 0;
  /** Path and size from a pax record or GNU long name, for the next entry. */
  private pending: { path?: string; size?: number } = {};
  private position = 0;

  constructor(
    private readonly archiveName: string,
    private readonly handler: TarEntryHandler,
  ) {}

  /** True once the end-of-archive marker was read; later bytes are ignored. */
  get ended(): boolean {
    return this.phase === 'end';
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.phase !== 'end') {
      const available = chunk.length - i;
      if (this.phase === 'header') {
        const n = Math.min(BLOCK - this.headerFill, available);
        this.header.set(chunk.subarray(i, i + n), this.headerFill);
        this.headerFill += n;
        i += n;
        this.position += n;
        if (this.headerFill === BLOCK) this.readHeader();
      } else if (this.phase === 'data') {
        const n = Math.min(this.remaining, available);
        if (this.data !== undefined) this.data.set(chunk.subarray(i, i + n), this.dataFill);
        this.dataFill += n;
        this.remaining -= n;
        i += n;
        this.position += n;
        if (this.remaining === 0) this.finishData();
      } else {
        const n = Math.min(this.remaining, available);
        this.remaining -= n;
        i += n;
        this.position += n;
        if (this.remaining === 0) this.phase = 'header';
      }
    }
  }

  /** Call after the last chunk: throws when the stream stopped inside an entry. */
  end(): void {
    if (this.phase === 'data' && this.entry !== undefined) {
      throw new Error(
        `${this.archiveName}: tar entry ${JSON.stringify(this.entry.path)} at byte ${formatCount(this.entry.offset)} claims ${formatCount(this.entry.size)} bytes but the archive ends after ${formatCount(this.dataFill)} of them; the archive is truncated.`,
      );
    }
    if (this.phase === 'header' && this.headerFill > 0) {
      throw new Error(
        `${this.archiveName}: the archive ends inside a tar header at byte ${formatCount(this.position - this.headerFill)}; it is truncated.`,
      );
    }
  }

  private readHeader(): void {
    const header = this.header;
    const offset = this.position - BLOCK;
    this.headerFill = 0;
    if (header.every((b) => b === 0)) {
      this.phase = 'end';
      return;
    }
    if (!checksumMatches(header)) {
      throw new Error(
        `${this.archiveName}: tar header at byte ${formatCount(offset)} has a bad checksum; the archive is corrupt or not a tar file.`,
      );
    }
    const type = String.fromCharCode(header[156] as number);
    const isRecord = type === 'x' || type === 'L' || type === 'g' || type === 'K';
    // A pax size applies to the entry after the record (GNU tar writes one for sizes ≥ 8 GiB).
    const size = (isRecord ? undefined : this.pending.size) ?? readNumber(header, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new Error(
        `${this.archiveName}: tar header at byte ${formatCount(offset)} has an unreadable size; the archive is corrupt.`,
      );
    }
    this.remaining = size;
    this.data = undefined;
    this.dataFill = 0;
    if (type === 'x' || type === 'L') {
      if (size > MAX_EXTENDED_HEADER_BYTES) {
        throw new Error(
          `${this.archiveName}: tar extended header at byte ${formatCount(offset)} claims ${formatCount(size)} bytes (at most ${formatCount(MAX_EXTENDED_HEADER_BYTES)} expected); the archive is corrupt or hostile.`,
        );
      }
      this.kind = type === 'x' ? 'pax' : 'long-name';
      this.data = new Uint8Array(size);
      this.entry = { path: '', size, type, offset };
    } else if (type === 'g' || type === 'K') {
      // A global pax record, or a GNU long link target (links are refused at their own header).
      this.kind = 'skipped';
      this.entry = { path: '', size, type, offset };
    } else {
      const prefix = readString(header, 345, 155);
      const shortName = readString(header, 0, 100);
      const path = this.pending.path ?? (prefix ? `${prefix}/${shortName}` : shortName);
      this.pending = {};
      assertSafeEntryPath(path, this.archiveName);
      const entry = { path: path.replace(/^\.\//, ''), size, type, offset };
      this.entry = entry;
      this.kind = this.handler.onEntry(entry) ? 'wanted' : 'skipped';
      if (this.kind === 'wanted') this.data = new Uint8Array(size);
    }
    this.phase = 'data';
    if (size === 0) this.finishData();
  }

  private finishData(): void {
    const data = this.data as Uint8Array;
    if (this.kind === 'pax') {
      const record = readPaxRecord(data);
      this.pending = {
        ...(record.path !== undefined ? { path: record.path } : {}),
        ...(record.size !== undefined ? { size: record.size } : {}),
      };
    } else if (this.kind === 'long-name') {
      this.pending = { ...this.pending, path: readString(data, 0, data.length) };
    } else if (this.kind === 'wanted') {
      this.handler.onFile(this.entry as TarEntry, data);
    }
    this.data = undefined;
    const size = (this.entry as TarEntry).size;
    this.remaining = Math.ceil(size / BLOCK) * BLOCK - size;
    this.phase = this.remaining > 0 ? 'padding' : 'header';
  }
}

function readString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

/** An octal field, or GNU's base-256 form (high bit set) that tar uses for sizes ≥ 8 GiB. */
function readNumber(bytes: Uint8Array, start: number, length: number): number {
  if (((bytes[start] as number) & 0x80) !== 0) {
    let value = (bytes[start] as number) & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (bytes[i] as number);
    return value;
  }
  const text = readString(bytes, start, length).trim();
  return text === '' ? 0 : /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
}

function checksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  return sum === readNumber(header, 148, 8);
}

function readPaxRecord(data: Uint8Array): { path?: string; size?: number } {
  // Records are "<length> <key>=<value>\n"; the length counts the whole record in bytes.
  let pos = 0;
  const result: { path?: string; size?: number } = {};
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(new TextDecoder().decode(data.subarray(pos, space)), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = new TextDecoder().decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') result.path = value;
    if (key === 'size' && /^\d+$/.test(value)) result.size = Number(value);
    pos += length;
  }
  return result;
}
