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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = tensor.shape.reduce((n, d) => n * d, 1);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(4 * i, true);
        break;
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
