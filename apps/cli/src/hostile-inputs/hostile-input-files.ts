// Builds the hostile inputs of the hostile-inputs tests: gzip bombs, tar archives whose
// entries claim gigabytes, PNGs whose header claims a huge image. Everything is streamed, so
// a 20 GB bomb is made without holding more than a megabyte.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflate, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';

/** Bytes to write: a block as is, or a number of zero bytes. */
export type Part = Uint8Array | number;

const MIB = 1024 * 1024;
const ZEROS = new Uint8Array(MIB);

function* expand(parts: readonly Part[]): Generator<Uint8Array> {
  for (const part of parts) {
    if (typeof part !== 'number') {
      yield part;
      continue;
    }
    for (let left = part; left > 0; left -= MIB)
      yield left >= MIB ? ZEROS : ZEROS.subarray(0, left);
  }
}

/** `parts` as one gzip stream in `path`, as `gzip -1` (or `level`) would write them. */
export async function writeGzip(path: string, parts: readonly Part[], level = 1): Promise<void> {
  await pipeline(Readable.from(expand(parts)), createGzip({ level }), createWriteStream(path));
}

/**
 * `parts` as a valid multi-member gzip file (what `cat a.gz b.gz` makes; gunzip reads it as
 * one stream), made at once whatever its size: each MiB of zeros repeats one compressed MiB.
 */
export async function writeGzipMembers(path: string, parts: readonly Part[]): Promise<void> {
  const zeroMember = gzipSync(ZEROS);
  function* members(): Generator<Uint8Array> {
    for (const part of parts) {
      if (typeof part !== 'number') {
        yield gzipSync(part);
        continue;
      }
      for (let i = 0; i < Math.floor(part / MIB); i++) yield zeroMember;
      if (part % MIB !== 0) yield gzipSync(ZEROS.subarray(0, part % MIB));
    }
  }
  await pipeline(Readable.from(members()), createWriteStream(path));
}

/** A 512-byte ustar header for a file of `size` bytes (GNU base-256 from 8 GiB on). */
export function tarHeader(path: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const write = (text: string, offset: number) =>
    header.set(new TextEncoder().encode(text), offset);
  write(path, 0);
  write('0000644\0', 100);
  write('0000000\0', 108);
  write('0000000\0', 116);
  if (size < 8 ** 11) {
    write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  } else {
    header[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) header[i] = v % 256;
  }
  write('00000000000\0', 136);
  write('0', 156);
  write('ustar\0' + '00', 257);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** Padding after `size` bytes of entry data, to the next 512-byte block. */
export const tarPadding = (size: number) => (512 - (size % 512)) % 512;

/** The end-of-archive marker. */
export const TAR_END = new Uint8Array(1024);

/** The embedded sample's tar (2,000 + 500 images) without its end marker, to append to. */
export async function sampleTarEntries(): Promise<Uint8Array> {
  const tar = gunzipSync(await readFile(cifar10SamplePath()));
  return tar.subarray(0, (await sampleEntries(tar)).end);
}

/** The entries of the sample's tar by path, and where its end marker starts. */
async function sampleEntries(
  tar?: Uint8Array,
): Promise<{ files: Map<string, Uint8Array>; end: number }> {
  const bytes = tar ?? gunzipSync(await readFile(cifar10SamplePath()));
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  for (;;) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return { files, end: offset };
    const name = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = Number.parseInt(new TextDecoder().decode(header.subarray(124, 136)), 8);
    files.set(name, bytes.subarray(offset + 512, offset + 512 + size));
    offset += 512 + size + tarPadding(size);
  }
}

/**
 * A small .tar.gz in the full official layout (all seven files, as `cnnkit download` requires),
 * made from the sample's first records: five training files and a test file of 40 records.
 */
export async function smallFullArchive(): Promise<Uint8Array> {
  const { files } = await sampleEntries();
  const records = (name: string, from: number) =>
    (files.get(`cifar-10-batches-bin/${name}`) as Uint8Array).subarray(
      from * 3073,
      (from + 40) * 3073,
    );
  const layout: [string, Uint8Array][] = [
    ['batches.meta.txt', files.get('cifar-10-batches-bin/batches.meta.txt') as Uint8Array],
    ...[1, 2, 3, 4, 5].map((n): [string, Uint8Array] => [
      `data_batch_${n}.bin`,
      records('data_batch_1.bin', 40 * (n - 1)),
    ]),
    ['test_batch.bin', records('test_batch.bin', 0)],
  ];
  const parts = layout.flatMap(([name, data]) => [
    tarHeader(`cifar-10-batches-bin/${name}`, data.length),
    data,
    new Uint8Array(tarPadding(data.length)),
  ]);
  return new Uint8Array(gzipSync(Buffer.concat([...parts, TAR_END])));
}

export interface BlackPngOptions {
  /** Deflate level (default 1). */
  readonly level?: number;
  /** Mark the PNG interlaced (Adam7), and write `dataBytes` zero bytes of image data. */
  readonly interlacedDataBytes?: number;
}

/**
 * A complete PNG of `width`×`height` black RGB pixels, its image data deflated as a stream
 * (a 20000×20000 one is 1.2 GB of pixels and about 1.2 MB at level 9, 5.6 MB at level 1).
 * With `interlacedDataBytes`, an interlaced PNG whose image data unpacks to that many bytes,
 * whatever its size says: a PNG bomb.
 */
export async function writeBlackPng(
  path: string,
  width: number,
  height: number,
  options: BlackPngOptions = {},
): Promise<void> {
  const row = new Uint8Array(1 + width * 3); // filter byte 0, then the row's pixels
  function* rows(): Generator<Uint8Array> {
    for (let y = 0; y < height; y++) yield row;
  }
  const interlaced = options.interlacedDataBytes !== undefined;
  const data = interlaced ? expand([options.interlacedDataBytes as number]) : rows();
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, interlaced ? 1 : 0], 8); // 8-bit RGB, deflate, adaptive filters
  const out = createWriteStream(path);
  await writeAll(out, [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)]);
  await writeAll(out, [pngChunk('IHDR', ihdr)]);
  for await (const idat of Readable.from(data).pipe(createDeflate({ level: options.level ?? 1 }))) {
    await writeAll(out, [pngChunk('IDAT', idat as Uint8Array)]);
  }
  await writeAll(out, [pngChunk('IEND', new Uint8Array(0))]);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

async function writeAll(out: Writable, chunks: readonly Uint8Array[]): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
}
