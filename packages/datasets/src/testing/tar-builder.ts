// Hand-made tar blocks for tests of hostile archives: headers that claim any size or type,
// pax records, GNU base-256 sizes, entries whose data never comes.

const BLOCK = 512;

export interface TarHeaderFields {
  readonly path: string;
  /** The size the header claims (the data written after it may differ). */
  readonly size: number;
  /** ustar type flag (default '0', a file). */
  readonly type?: string;
  /** Write the size in GNU base-256 form, as GNU tar does from 8 GiB on. */
  readonly base256?: boolean;
}

/** One 512-byte ustar header with a correct checksum. */
export function tarHeader(fields: TarHeaderFields): Uint8Array {
  const header = new Uint8Array(BLOCK);
  const write = (text: string, offset: number, length: number) => {
    header.set(new TextEncoder().encode(text).subarray(0, length), offset);
  };
  write(fields.path, 0, 100);
  write('0000644\0', 100, 8);
  write('0000000\0', 108, 8);
  write('0000000\0', 116, 8);
  if (fields.base256) {
    header[124] = 0x80;
    let value = fields.size;
    for (let i = 135; i > 124; i--) {
      header[i] = value % 256;
      value = Math.floor(value / 256);
    }
  } else {
    write(`${fields.size.toString(8).padStart(11, '0')}\0`, 124, 12);
  }
  write('00000000000\0', 136, 12);
  write(fields.type ?? '0', 156, 1);
  write('ustar\0', 257, 6);
  write('00', 263, 2);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

/** A header followed by `data` and the padding to 512 bytes. */
export function tarEntry(path: string, data: Uint8Array, type = '0'): Uint8Array {
  return concatBytes([
    tarHeader({ path, size: data.length, type }),
    data,
    new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK),
  ]);
}

/** A pax extended header ('x') carrying `records` for the next entry. */
export function paxEntry(records: Readonly<Record<string, string>>): Uint8Array {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    // The length prefix counts itself: grow it until it is consistent.
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
    text += `${length}${body}`;
  }
  return tarEntry('PaxHeader', new TextEncoder().encode(text), 'x');
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
