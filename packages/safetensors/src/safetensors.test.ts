import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from './index.js';

/** A file assembled by hand, byte by byte, from the format's definition. */
function handMadeFile(header: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('encodeSafetensors', () => {
  it('writes the exact bytes of the format (golden file)', () => {
    const bytes = encodeSafetensors({
      a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) },
    });
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian)
    expect([...bytes]).toEqual([...handMadeFile(padded, [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0])]);
    expect((bytes.length - 8 - 8) % 8).toBe(0);
  });

  it('round-trips tensors, order and metadata (the documented example)', () => {
    const bytes = encodeSafetensors(
      {
        'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
        step: { dtype: 'I64', shape: [], data: new BigInt64Array([123n]) },
        mask: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 1, 255]) },
      },
      { format: 'pt' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['fc.weight', 'step', 'mask']);
    expect(tensors.get('fc.weight')?.shape).toEqual([2, 3]);
    expect([...tensorToFloat32(tensors.get('fc.weight')!)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...tensorToFloat32(tensors.get('step')!)]).toEqual([123]);
    expect([...tensorToFloat32(tensors.get('mask')!)]).toEqual([0, 1, 255]);
  });

  it('refuses data whose size does not match the shape', () => {
    expect(() =>
      encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }),
    ).toThrow(/"w": F32 shape \[3\] needs 12 bytes, but its data has 8/);
  });
});

describe('decodeSafetensors', () => {
  it('converts F16, BF16 and F64 to float32', () => {
    // F16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 (smallest subnormal) = 0x0001
    // BF16: 1.0 = 0x3f80; F64: 0.5
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [6, 8] },
      d: { dtype: 'F64', shape: [1], data_offsets: [8, 16] },
    });
    const f64 = [...new Uint8Array(new Float64Array([0.5]).buffer)];
    const file = handMadeFile(header, [0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00, 0x80, 0x3f, ...f64]);
    const { tensors } = decodeSafetensors(file);
    expect([...tensorToFloat32(tensors.get('h')!)]).toEqual([1, -2.5, 2 ** -24]);
    expect([...tensorToFloat32(tensors.get('b')!)]).toEqual([1]);
    expect([...tensorToFloat32(tensors.get('d')!)]).toEqual([0.5]);
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(4), /too short/],
    [
      'header beyond the file',
      handMadeFile('{}', []).map((b, i) => (i === 0 ? 200 : b)),
      /header length 200 exceeds/,
    ],
    ['invalid JSON', handMadeFile('{"a":', []), /not valid UTF-8 JSON/],
    [
      'unknown dtype',
      handMadeFile('{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}', [0]),
      /unsupported dtype "Q8"/,
    ],
    [
      'bad shape',
      handMadeFile('{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [0]),
      /invalid shape \[-1\]/,
    ],
    [
      'offsets beyond data',
      handMadeFile('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}', [0, 0]),
      /ends at byte 4 .* only 2 data bytes/,
    ],
    [
      'size mismatch',
      handMadeFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      /needs 8 bytes, but data_offsets \[0, 4\] span 4/,
    ],
    [
      'overlap',
      handMadeFile(
        '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}',
        [0, 0, 0],
      ),
      /"b" overlaps/,
    ],
    [
      'gap',
      handMadeFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]),
      /gap in the data before tensor "a"/,
    ],
    [
      'trailing bytes',
      handMadeFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [0, 9]),
      /1 bytes after the last tensor/,
    ],
    [
      'non-string metadata',
      handMadeFile('{"__metadata__":{"epoch":3}}', []),
      /__metadata__\.epoch must be a string/,
    ],
  ];
  it.each(cases)('rejects %s with a message naming the problem', (_name, file, message) => {
    expect(() => decodeSafetensors(file, 'model.safetensors')).toThrow(message);
    expect(() => decodeSafetensors(file, 'model.safetensors')).toThrow(/^model\.safetensors: /);
  });

  it('returns views into the input, not copies', () => {
    const bytes = encodeSafetensors({
      a: { dtype: 'U8', shape: [2], data: new Uint8Array([7, 8]) },
    });
    const tensor = decodeSafetensors(bytes).tensors.get('a')!;
    expect(tensor.bytes.buffer).toBe(bytes.buffer);
  });
});
