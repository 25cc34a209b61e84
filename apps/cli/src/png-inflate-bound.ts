import { Readable } from 'node:stream';
import { createInflate } from 'node:zlib';

/** Adam7's seven passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Samples per pixel of each PNG colour type: grey, RGB, palette, grey + alpha, RGBA. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Throws when an interlaced PNG's image data unpacks to more bytes than its header's size
 * allows. pngjs caps what it inflates for plain PNGs but inflates interlaced ones whole, so a
 * small interlaced PNG could unpack to gigabytes. The data is inflated as a stream and only
 * counted, and counting stops at the first byte over.
 */
export async function assertPngInflatesWithin(
  png: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  // The IHDR chunk comes first: 8 bytes of signature, 8 of chunk length and type.
  if (png.length < 29) return; // too short to decode at all: pngjs says why
  const bitDepth = png[24] as number;
  const channels = CHANNELS[png[25] as number] ?? 4;
  if (png[28] !== 1) return;
  const bitsPerPixel = bitDepth * channels;
  let limit = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const columns = Math.ceil((width - x0) / dx);
    const rows = Math.ceil((height - y0) / dy);
    if (columns > 0 && rows > 0) limit += rows * (1 + Math.ceil((columns * bitsPerPixel) / 8));
  }
  const data: Uint8Array[] = [];
  for (let offset = 8; offset + 12 <= png.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (type === 'IDAT') data.push(png.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  let total = 0;
  const inflate = Readable.from(data).pipe(createInflate());
  try {
    for await (const chunk of inflate) {
      total += (chunk as Buffer).length;
      if (total > limit) break;
    }
  } catch {
    // A broken stream is pngjs's to report; only the size is checked here.
  } finally {
    inflate.destroy();
  }
  if (total > limit) {
    throw new Error(
      `its interlaced image data unpacks to more than the ${limit.toLocaleString('en-US')} bytes a ${width}×${height} image holds`,
    );
  }
}
