import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.js';
import { encodeSafetensors } from './encode-safetensors.js';
import { tensorToBigInt64, tensorToFloat32, tensorValues } from './tensor-values.js';
import { handMadeFile } from './test-support/hand-made-file.js';
import type { DecodedTensor } from './types.js';

function decodedTensor(dtype: DecodedTensor['dtype'], bytes: number[]): DecodedTensor {
  const width = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2 }[dtype as 'F64'] ?? 1;
  const header = JSON.stringify({
    t: { dtype, shape: [bytes.length / width], data_offsets: [0, bytes.length] },
  });
  return decodeSafetensors(handMadeFile(header, bytes)).tensors.get('t')!;
}

describe('tensorToFloat32', () => {
  it('converts F16 (normal, negative, subnormal, infinity), BF16 and F64', () => {
    // F16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 (smallest subnormal) = 0x0001, -inf = 0xfc00
    const half = decodedTensor('F16', [0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00, 0x00, 0xfc]);
    expect([...tensorToFloat32(half)]).toEqual([1, -2.5, 2 ** -24, -Infinity]);
    // BF16: 1.0 = 0x3f80, -3.0 = 0xc040
    const brain = decodedTensor('BF16', [0x80, 0x3f, 0x40, 0xc0]);
    expect([...tensorToFloat32(brain)]).toEqual([1, -3]);
    const double = decodedTensor('F64', [...new Uint8Array(new Float64Array([0.5]).buffer)]);
    expect([...tensorToFloat32(double)]).toEqual([0.5]);
  });

  it('converts integer dtypes and reads NaN from F16', () => {
    expect([...tensorToFloat32(decodedTensor('I8', [0xff, 5]))]).toEqual([-1, 5]);
    expect([...tensorToFloat32(decodedTensor('I32', [0xfe, 0xff, 0xff, 0xff]))]).toEqual([-2]);
    expect(Number.isNaN(tensorToFloat32(decodedTensor('F16', [0x01, 0x7c]))[0])).toBe(true);
  });
});

describe('tensorValues', () => {
  it('returns each dtype in its natural array type', () => {
    const cases: [DecodedTensor, unknown, number[]][] = [
      [
        decodedTensor('F64', [...new Uint8Array(new Float64Array([0.1]).buffer)]),
        Float64Array,
        [0.1],
      ],
      [decodedTensor('F32', [0, 0, 0x80, 0x3f]), Float32Array, [1]],
      [decodedTensor('F16', [0x00, 0x3c]), Float32Array, [1]],
      [decodedTensor('BF16', [0x80, 0x3f]), Float32Array, [1]],
      [decodedTensor('I32', [0xff, 0xff, 0xff, 0xff]), Int32Array, [-1]],
      [decodedTensor('I16', [0x00, 0x80]), Int16Array, [-32768]],
      [decodedTensor('I8', [0x80]), Int8Array, [-128]],
      [decodedTensor('U8', [0x80]), Uint8Array, [128]],
      [decodedTensor('BOOL', [1, 0]), Uint8Array, [1, 0]],
    ];
    for (const [tensor, Type, expected] of cases) {
      const values = tensorValues(tensor);
      expect(values, tensor.dtype).toBeInstanceOf(Type);
      expect([...values], tensor.dtype).toEqual(expected);
    }
  });

  it('returns I64 as exact numbers up to 2^53 − 1, where float32 would round', () => {
    const bytes = encodeSafetensors({
      step: { dtype: 'I64', shape: [3], data: new BigInt64Array([123n, 2n ** 53n - 1n, -7n]) },
    });
    const tensor = decodeSafetensors(bytes).tensors.get('step')!;
    expect([...tensorValues(tensor)]).toEqual([123, Number.MAX_SAFE_INTEGER, -7]);
    expect(tensorToFloat32(tensor)[1]).not.toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an I64 beyond 2^53 − 1, pointing to tensorToBigInt64', () => {
    const bytes = encodeSafetensors({
      ids: { dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n ** 60n]) },
    });
    const tensor = decodeSafetensors(bytes).tensors.get('ids')!;
    expect(() => tensorValues(tensor)).toThrow(
      'Tensor "ids": I64 element 1 is 1152921504606846976, beyond the integers a number holds exactly',
    );
    expect(tensorToBigInt64(tensor)).toEqual(new BigInt64Array([1n, 2n ** 60n]));
  });

  it('refuses a BOOL byte other than 0 or 1', () => {
    expect(() => tensorValues(decodedTensor('BOOL', [0, 2]))).toThrow(
      'Tensor "t": BOOL element 1 is byte 2, but booleans must be 0 or 1',
    );
  });

  it('runs the TSDoc examples', () => {
    const bytes = encodeSafetensors({
      step: { dtype: 'I64', shape: [1], data: new BigInt64Array([123n]) },
      ids: { dtype: 'I64', shape: [1], data: new BigInt64Array([-(2n ** 62n)]) },
    });
    expect(tensorValues(decodeSafetensors(bytes).tensors.get('step')!)).toEqual(
      new Float64Array([123]),
    );
    expect(tensorToBigInt64(decodeSafetensors(bytes).tensors.get('ids')!)[0]).toBe(-(2n ** 62n));
    expect(() => tensorToBigInt64(decodedTensor('U8', [1]))).toThrow(
      'Tensor "t" is U8, not I64; use tensorValues or tensorToFloat32 for it.',
    );
  });
});

describe('values from a Node Buffer', () => {
  it('copies only the tensor, not the whole file (Buffer.slice is a view)', () => {
    const file = encodeSafetensors({
      a: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) },
      b: { dtype: 'U8', shape: [3], data: new Uint8Array([4, 5, 6]) },
    });
    // What fs.readFile gives: a Buffer, whose slice() shares memory instead of copying.
    const { tensors } = decodeSafetensors(Buffer.from(file));
    expect([...tensorToFloat32(tensors.get('a')!)]).toEqual([1.5, -2]);
    const u8 = tensorValues(tensors.get('b')!);
    expect([...u8]).toEqual([4, 5, 6]);
    expect(u8.buffer.byteLength).toBe(3);
  });
});
