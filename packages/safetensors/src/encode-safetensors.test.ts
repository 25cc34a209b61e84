import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.js';
import { encodeSafetensors } from './encode-safetensors.js';
import { tensorToFloat32 } from './tensor-values.js';
import { handMadeFile, padded } from './test-support/hand-made-file.js';
import type { TensorToEncode } from './types.js';

describe('encodeSafetensors', () => {
  it('writes the exact bytes of the format (golden file)', () => {
    const bytes = encodeSafetensors({
      a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) },
    });
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian)
    expect([...bytes]).toEqual([
      ...handMadeFile(padded(header), [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]),
    ]);
    // 55 header bytes + 1 space: the data starts 8-byte aligned.
    expect(bytes.length).toBe(8 + 56 + 8);
  });

  it('orders tensors like the reference writer: widest dtype first, then by name (golden file)', () => {
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'U8', shape: [1], data: new Uint8Array([7]) },
        z: { dtype: 'F32', shape: [1], data: new Float32Array([1]) },
        a: { dtype: 'F32', shape: [], data: new Float32Array([-2]) },
        c: { dtype: 'I64', shape: [1], data: new BigInt64Array([-1n]) },
      },
      { format: 'pt' },
    );
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"c":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F32","shape":[],"data_offsets":[8,12]},' +
      '"z":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
      '"b":{"dtype":"U8","shape":[1],"data_offsets":[16,17]}}';
    const data = [
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // I64 -1
      ...[0, 0, 0, 0xc0], // F32 -2
      ...[0, 0, 0x80, 0x3f], // F32 1
      7,
    ];
    expect([...bytes]).toEqual([...handMadeFile(padded(header), data)]);
  });

  it('gives the same bytes whatever order the tensors come in', () => {
    const x: TensorToEncode = { dtype: 'F32', shape: [1], data: new Float32Array([1]) };
    const y: TensorToEncode = { dtype: 'F32', shape: [1], data: new Float32Array([2]) };
    expect(encodeSafetensors({ x, y })).toEqual(encodeSafetensors({ y, x }));
  });

  it('round-trips tensors and metadata (TSDoc example)', () => {
    const bytes = encodeSafetensors(
      { 'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
      { format: 'pt' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(decodeSafetensors(bytes).tensors.get('fc.weight')?.shape).toEqual([2, 3]);
    expect([...tensorToFloat32(tensors.get('fc.weight')!)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('encodes a view into a larger buffer by its own bytes only', () => {
    const whole = new Float32Array([9, 1, 2, 9]);
    const bytes = encodeSafetensors({
      v: { dtype: 'F32', shape: [2], data: whole.subarray(1, 3) },
    });
    expect([...tensorToFloat32(decodeSafetensors(bytes).tensors.get('v')!)]).toEqual([1, 2]);
  });

  const invalid: [string, Record<string, TensorToEncode>, string][] = [
    [
      'data of the wrong size',
      { w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } },
      'Tensor "w": F32 shape [3] needs 12 bytes, but its data has 8.',
    ],
    [
      'an unknown dtype',
      { w: { dtype: 'Q8' as 'U8', shape: [1], data: new Uint8Array(1) } },
      'Tensor "w" has unsupported dtype "Q8"',
    ],
    [
      'a fractional dimension',
      { w: { dtype: 'U8', shape: [1.5], data: new Uint8Array(1) } },
      'Tensor "w" has an invalid shape [1.5]',
    ],
    [
      'the reserved name',
      { __metadata__: { dtype: 'U8', shape: [], data: new Uint8Array(1) } },
      'A tensor cannot be named "__metadata__"',
    ],
  ];
  it.each(invalid)('refuses %s, naming the tensor', (_case, tensors, message) => {
    expect(() => encodeSafetensors(tensors)).toThrow(message);
  });

  it('refuses non-string metadata', () => {
    const metadata = { epoch: 3 } as unknown as Record<string, string>;
    expect(() => encodeSafetensors({}, metadata)).toThrow(
      'Metadata "epoch" must be a string, got 3',
    );
  });
});
