import { DTYPE_BYTES, isSafetensorsDtype, referenceDtypeRank } from './dtypes.js';
import type { TensorToEncode } from './types.js';

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

// Typed arrays use the platform's byte order; safetensors is little-endian. Every platform
// JavaScript runs on today is little-endian, but a wrong file would be silent, so check once.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8 = new TextEncoder();

/** Rust compares `String`s by UTF-8 bytes; JS `<` compares UTF-16 units, which can differ. */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

function checkTensor(name: string, tensor: TensorToEncode): number {
  if (name === '__metadata__') {
    throw new Error('A tensor cannot be named "__metadata__" (the format reserves that key).');
  }
  if (!isSafetensorsDtype(tensor.dtype)) {
    throw new Error(
      `Tensor "${name}" has unsupported dtype ${JSON.stringify(tensor.dtype)}; use one of ${Object.keys(DTYPE_BYTES).join(', ')}.`,
    );
  }
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(
      `Tensor "${name}" has an invalid shape ${JSON.stringify(tensor.shape)}; dimensions must be non-negative integers.`,
    );
  }
  const expected = elementCount(tensor.shape) * DTYPE_BYTES[tensor.dtype];
  if (tensor.data.byteLength !== expected) {
    throw new Error(
      `Tensor "${name}": ${tensor.dtype} shape [${tensor.shape.join(', ')}] needs ${expected} bytes, but its data has ${tensor.data.byteLength}.`,
    );
  }
  return expected;
}

/**
 * Writes tensors (and optional string metadata) as a `.safetensors` file: an 8-byte
 * little-endian header length, a JSON header, then each tensor's little-endian bytes.
 * Like the reference implementation, tensors are stored sorted by dtype (widest first, so
 * data stays aligned) and then by name, and the header is padded with spaces to a multiple
 * of 8 bytes; the same tensors therefore always give the same bytes, whatever their order.
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
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new Error(
          `Metadata "${key}" must be a string, got ${JSON.stringify(value)}; convert it with String() or JSON.stringify().`,
        );
      }
    }
    header.__metadata__ = { ...metadata };
  }
  const sizes = new Map<string, number>();
  for (const [name, tensor] of Object.entries(tensors)) sizes.set(name, checkTensor(name, tensor));
  const names = [...sizes.keys()].sort(
    (a, b) =>
      referenceDtypeRank((tensors[b] as TensorToEncode).dtype) -
        referenceDtypeRank((tensors[a] as TensorToEncode).dtype) || compareUtf8(a, b),
  );
  let offset = 0;
  for (const name of names) {
    const { dtype, shape } = tensors[name] as TensorToEncode;
    const size = sizes.get(name) as number;
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let headerBytes = utf8.encode(JSON.stringify(header));
  const padding = (8 - (headerBytes.byteLength % 8)) % 8;
  if (padding > 0) headerBytes = utf8.encode(JSON.stringify(header) + ' '.repeat(padding));
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.byteLength;
  for (const name of names) {
    const { data } = tensors[name] as TensorToEncode;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}
