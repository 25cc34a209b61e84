import type { DecodedTensor } from './types.js';

function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * A decoded tensor's values as float32 (a fresh, aligned copy), converting from any
 * floating or integer dtype. Integers beyond 2^24 lose precision, as they would in float32.
 *
 * @example
 * ```ts
 * const values = tensorToFloat32(decodeSafetensors(bytes).tensors.get('conv1.weight')!);
 * ```
 */
export function tensorToFloat32(tensor: DecodedTensor): Float32Array {
  const { bytes, dtype } = tensor;
  // A fresh copy (hence aligned) is far faster than element reads. Uint8Array's own slice:
  // a Node Buffer's slice() is a view that shares the whole file's buffer.
  if (dtype === 'F32') return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = tensor.shape.reduce((n, d) => n * d, 1);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F64':
        out[i] = view.getFloat64(8 * i, true);
        break;
      case 'F16':
        out[i] = float16ToFloat32(view.getUint16(2 * i, true));
        break;
      case 'BF16':
        // bfloat16 is the top half of a float32.
        out[i] = new Float32Array(
          new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer,
        )[0] as number;
        break;
      case 'I64':
        out[i] = Number(view.getBigInt64(8 * i, true));
        break;
      case 'I32':
        out[i] = view.getInt32(4 * i, true);
        break;
      case 'I16':
        out[i] = view.getInt16(2 * i, true);
        break;
      case 'I8':
        out[i] = view.getInt8(i);
        break;
      case 'U8':
      case 'BOOL':
        out[i] = view.getUint8(i);
        break;
    }
  }
  return out;
}

/** What {@link tensorValues} returns for each dtype. */
export type TensorValues =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** Reads little-endian elements into a new typed array of the platform's byte order. */
function copyAs<T extends Float64Array | Int32Array | Int16Array | Int8Array>(
  tensor: DecodedTensor,
  Type: new (buffer: ArrayBuffer) => T,
  read: (view: DataView, index: number) => number,
): T {
  const { bytes } = tensor;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Type(new ArrayBuffer(bytes.byteLength));
  for (let i = 0; i < out.length; i++) out[i] = read(view, i);
  return out;
}

/**
 * A decoded tensor's values in their natural JavaScript array (a fresh, aligned copy):
 * F64 → Float64Array, F32/F16/BF16 → Float32Array, I32/I16/I8 → Int32Array/Int16Array/
 * Int8Array, U8 and BOOL → Uint8Array, and I64 → Float64Array of exact integers. An I64
 * value beyond ±(2^53 − 1), which a number cannot hold exactly, is an error; read such
 * tensors with {@link tensorToBigInt64}.
 *
 * @example
 * ```ts
 * const step = tensorValues(decodeSafetensors(bytes).tensors.get('step')!); // Float64Array [123]
 * ```
 */
export function tensorValues(tensor: DecodedTensor): TensorValues {
  switch (tensor.dtype) {
    case 'F64':
      return copyAs(tensor, Float64Array, (v, i) => v.getFloat64(8 * i, true));
    case 'F32':
    case 'F16':
    case 'BF16':
      return tensorToFloat32(tensor);
    case 'I32':
      return copyAs(tensor, Int32Array, (v, i) => v.getInt32(4 * i, true));
    case 'I16':
      return copyAs(tensor, Int16Array, (v, i) => v.getInt16(2 * i, true));
    case 'I8':
      return copyAs(tensor, Int8Array, (v, i) => v.getInt8(i));
    case 'U8':
      return Uint8Array.prototype.slice.call(tensor.bytes);
    case 'BOOL': {
      const values = Uint8Array.prototype.slice.call(tensor.bytes);
      const bad = values.findIndex((b) => b > 1);
      if (bad >= 0) {
        throw new Error(
          `Tensor "${tensor.name}": BOOL element ${bad} is byte ${values[bad]}, but booleans must be 0 or 1; the file is corrupt.`,
        );
      }
      return values;
    }
    case 'I64': {
      const exact = tensorToBigInt64(tensor);
      const out = new Float64Array(exact.length);
      for (let i = 0; i < exact.length; i++) {
        const value = exact[i] as bigint;
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new Error(
            `Tensor "${tensor.name}": I64 element ${i} is ${value}, beyond the integers a number holds exactly (±${Number.MAX_SAFE_INTEGER}); read it with tensorToBigInt64.`,
          );
        }
        out[i] = Number(value);
      }
      return out;
    }
  }
}

/**
 * An I64 tensor's values, exactly, as a BigInt64Array (a fresh, aligned copy).
 *
 * @example
 * ```ts
 * const ids = tensorToBigInt64(decodeSafetensors(bytes).tensors.get('ids')!); // BigInt64Array
 * ```
 */
export function tensorToBigInt64(tensor: DecodedTensor): BigInt64Array {
  if (tensor.dtype !== 'I64') {
    throw new Error(
      `Tensor "${tensor.name}" is ${tensor.dtype}, not I64; use tensorValues or tensorToFloat32 for it.`,
    );
  }
  const { bytes } = tensor;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new BigInt64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getBigInt64(8 * i, true);
  return out;
}
