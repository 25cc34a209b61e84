import { DTYPE_BYTES, isSafetensorsDtype } from './dtypes.js';
import type { DecodedSafetensors, DecodedTensor } from './types.js';

// The reference implementation refuses headers above 100 MB; a larger length means a
// corrupt or foreign file, not a real header.
const MAX_HEADER_BYTES = 100_000_000;

interface RawEntry {
  dtype?: unknown;
  shape?: unknown;
  data_offsets?: unknown;
}

function fail(source: string, problem: string): never {
  throw new Error(`${source}: ${problem}`);
}

function checkEntry(
  source: string,
  name: string,
  entry: RawEntry,
  dataBytes: number,
): Omit<DecodedTensor, 'bytes'> & { begin: number; end: number } {
  const where = `tensor "${name}"`;
  if (!isSafetensorsDtype(entry.dtype)) {
    fail(
      source,
      `${where} has unsupported dtype ${JSON.stringify(entry.dtype)}; supported: ${Object.keys(DTYPE_BYTES).join(', ')}.`,
    );
  }
  const { shape, data_offsets: offsets } = entry;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(
      source,
      `${where} has an invalid shape ${JSON.stringify(shape)}; expected an array of non-negative integers.`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    fail(
      source,
      `${where} has invalid data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end.`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes) {
    fail(
      source,
      `${where} ends at byte ${end} of the data, but the file has only ${dataBytes} data bytes (truncated?).`,
    );
  }
  const expected = (shape as number[]).reduce((n, d) => n * d, 1) * DTYPE_BYTES[entry.dtype];
  if (end - begin !== expected) {
    fail(
      source,
      `${where}: ${entry.dtype} shape [${(shape as number[]).join(', ')}] needs ${expected} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}.`,
    );
  }
  return { name, dtype: entry.dtype, shape: shape as number[], begin, end };
}

/**
 * Reads a `.safetensors` file. Validates the header (length, JSON, dtypes, shapes) and that
 * the tensors tile the data section exactly — no gaps, no overlaps, nothing left over — as
 * the format requires; each problem is one error naming the tensor and the values found.
 * Tensor bytes are views into `bytes`, not copies.
 *
 * @param source - Used in error messages (a file name, say).
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
 * const weight = tensorToFloat32(tensors.get('fc.weight')!);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): DecodedSafetensors {
  if (bytes.byteLength < 8)
    fail(
      source,
      `${bytes.byteLength} bytes is too short for a safetensors file (needs an 8-byte header length).`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    fail(
      source,
      `header length ${headerLength} exceeds the file (${bytes.byteLength} bytes); not a safetensors file or truncated.`,
    );
  }
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)),
    );
  } catch (error) {
    fail(source, `header is not valid UTF-8 JSON (${(error as Error).message}).`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(source, 'header must be a JSON object.');
  }
  const dataBytes = bytes.byteLength - headerEnd;
  const metadata: Record<string, string> = {};
  const entries: ReturnType<typeof checkEntry>[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        fail(source, '__metadata__ must be an object of strings.');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string')
          fail(source, `__metadata__.${key} must be a string, found ${JSON.stringify(text)}.`);
        metadata[key] = text;
      }
      continue;
    }
    if (value === null || typeof value !== 'object')
      fail(source, `tensor "${name}" entry must be an object.`);
    entries.push(checkEntry(source, name, value as RawEntry, dataBytes));
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const entry of byOffset) {
    if (entry.begin !== expectedBegin) {
      fail(
        source,
        entry.begin < expectedBegin
          ? `tensor "${entry.name}" overlaps the previous tensor (starts at ${entry.begin}, previous ends at ${expectedBegin}).`
          : `gap in the data before tensor "${entry.name}" (bytes ${expectedBegin}–${entry.begin} belong to no tensor).`,
      );
    }
    expectedBegin = entry.end;
  }
  if (expectedBegin !== dataBytes) {
    fail(source, `${dataBytes - expectedBegin} bytes after the last tensor belong to no tensor.`);
  }
  const tensors = new Map<string, DecodedTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, {
      name,
      dtype,
      shape,
      bytes: bytes.subarray(headerEnd + begin, headerEnd + end),
    });
  }
  return { tensors, metadata };
}
