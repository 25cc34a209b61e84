import { decodeSafetensors } from './decode-safetensors.js';

const utf8 = new TextEncoder();

/**
 * The same file with its `__metadata__` replaced by `metadata` (an empty object removes it):
 * the tensors' bytes are copied unchanged, in the same order, and the header is written the
 * way {@link encodeSafetensors} writes it (padded with spaces to 8 bytes), so adding metadata to
 * an encoder's output gives what encoding with that metadata would have given. The input is
 * validated first, like {@link decodeSafetensors} does.
 *
 * @param source - Used in error messages (a file name, say).
 *
 * @example
 * ```ts
 * const labelled = withSafetensorsMetadata(bytes, { format: 'pt', 'cnnkit.classes': '["cat","dog"]' });
 * decodeSafetensors(labelled).metadata['cnnkit.classes']; // '["cat","dog"]'
 * decodeSafetensors(labelled).tensors.size === decodeSafetensors(bytes).tensors.size; // true
 * ```
 */
export function withSafetensorsMetadata(
  bytes: Uint8Array,
  metadata: Readonly<Record<string, string>>,
  source = 'safetensors',
): Uint8Array {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new Error(
        `Metadata "${key}" must be a string, got ${JSON.stringify(value)}; convert it with String() or JSON.stringify().`,
      );
    }
  }
  const { tensors } = decodeSafetensors(bytes, source);
  const headerLength = Number(
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true),
  );
  const data = bytes.subarray(8 + headerLength);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  // Header entries in data order, as encodeSafetensors writes them.
  const entries = [...tensors.values()].sort(
    (a, b) => a.bytes.byteOffset - b.bytes.byteOffset || a.bytes.byteLength - b.bytes.byteLength,
  );
  const dataStart = bytes.byteOffset + 8 + headerLength;
  for (const tensor of entries) {
    const begin = tensor.bytes.byteOffset - dataStart;
    header[tensor.name] = {
      dtype: tensor.dtype,
      shape: [...tensor.shape],
      data_offsets: [begin, begin + tensor.bytes.byteLength],
    };
  }
  const json = JSON.stringify(header);
  const padding = (8 - (utf8.encode(json).byteLength % 8)) % 8;
  const headerBytes = utf8.encode(json + ' '.repeat(padding));
  const out = new Uint8Array(8 + headerBytes.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.byteLength);
  return out;
}
