import { DTYPE_BYTES } from './dtypes.js';
import type { TensorToEncode } from './types.js';

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

// Typed arrays use the platform's byte order; safetensors is little-endian. Every platform
// JavaScript runs on today is little-endian, but a wrong file would be silent, so check once.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes tensors (and optional string metadata) as a `.safetensors` file: an 8-byte
 * little-endian header length, a JSON header, then each tensor's little-endian bytes.
 * Tensors are stored in the order given; the header is padded with spaces to a multiple
 * of 8 bytes so that data offsets stay aligned, as the reference implementation does.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { 'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
 *   { format: 'pt' },
 * );
 * decodeSafetensors(bytes).tensors.get('fc.weight')?.shape; // [2, 3]
 * ```
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, TensorToEncode>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  if (!littleEndian) throw new Error('encodeSafetensors needs a little-endian platform.');
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error('A tensor cannot be named "__metadata__".');
    const expected = elementCount(tensor.shape) * DTYPE_BYTES[tensor.dtype];
    const bytes = new Uint8Array(
      tensor.data.buffer,
      tensor.data.byteOffset,
      tensor.data.byteLength,
    );
    if (bytes.byteLength !== expected) {
      throw new Error(
        `Tensor "${name}": ${tensor.dtype} shape [${tensor.shape.join(', ')}] needs ${expected} bytes, but its data has ${bytes.byteLength}.`,
      );
    }
    header[name] = {
      dtype: tensor.dtype,
      shape: [...tensor.shape],
      data_offsets: [offset, offset + expected],
    };
    parts.push(bytes);
    offset += expected;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padding = (8 - (headerBytes.byteLength % 8)) % 8;
  if (padding > 0) {
    json += ' '.repeat(padding);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.byteLength;
  for (const part of parts) {
    out.set(part, position);
    position += part.byteLength;
  }
  return out;
}
