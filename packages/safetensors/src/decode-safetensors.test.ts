import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.js';
import { encodeSafetensors } from './encode-safetensors.js';
import { tensorToFloat32 } from './tensor-values.js';
import { handMadeFile } from './test-support/hand-made-file.js';

describe('decodeSafetensors', () => {
  it('reads a hand-made file: tensors in header order, metadata, shapes (golden file)', () => {
    const file = handMadeFile(
      '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},' +
        '"n":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}',
      [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 5],
    );
    const { tensors, metadata } = decodeSafetensors(file, 'model.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['w', 'n']);
    expect(tensors.get('w')).toMatchObject({ name: 'w', dtype: 'F32', shape: [1, 2] });
    expect([...tensorToFloat32(tensors.get('w')!)]).toEqual([1, -2]);
    expect([...tensors.get('n')!.bytes]).toEqual([5]);
  });

  it('reads an empty file ({} header) as no tensors', () => {
    expect(decodeSafetensors(handMadeFile('{}', [])).tensors.size).toBe(0);
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(4), /4 bytes is too short/],
    [
      'header beyond the file',
      handMadeFile('{}', []).map((b, i) => (i === 0 ? 200 : b)),
      /header length 200 exceeds the file \(10 bytes\)/,
    ],
    ['invalid JSON', handMadeFile('{"a":', []), /header is not valid UTF-8 JSON/],
    ['a JSON array header', handMadeFile('[]', []), /header must be a JSON object/],
    [
      'unknown dtype',
      handMadeFile('{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}', [0]),
      /tensor "a" has unsupported dtype "Q8"/,
    ],
    [
      'bad shape',
      handMadeFile('{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [0]),
      /tensor "a" has an invalid shape \[-1\]/,
    ],
    [
      'reversed offsets',
      handMadeFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}', [0]),
      /tensor "a" has invalid data_offsets \[1,0\]/,
    ],
    [
      'offsets beyond data',
      handMadeFile('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}', [0, 0]),
      /tensor "a" ends at byte 4 .* only 2 data bytes/,
    ],
    [
      'size mismatch',
      handMadeFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      /tensor "a": F32 shape \[2\] needs 8 bytes, but data_offsets \[0, 4\] span 4/,
    ],
    [
      'overlap',
      handMadeFile(
        '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}',
        [0, 0, 0],
      ),
      /tensor "b" overlaps the previous tensor \(starts at 1, previous ends at 2\)/,
    ],
    [
      'gap',
      handMadeFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]),
      /gap in the data before tensor "a" \(bytes 0–1/,
    ],
    [
      'trailing bytes',
      handMadeFile('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [0, 9]),
      /1 bytes after the last tensor/,
    ],
    [
      'non-string metadata',
      handMadeFile('{"__metadata__":{"epoch":3}}', []),
      /__metadata__\.epoch must be a string, found 3/,
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

  it('reads a view into a larger buffer (e.g. a Node Buffer from a pool)', () => {
    const file = encodeSafetensors({
      a: { dtype: 'F32', shape: [1], data: new Float32Array([3]) },
    });
    const pool = new Uint8Array(file.length + 3);
    pool.set(file, 3);
    const tensor = decodeSafetensors(pool.subarray(3)).tensors.get('a')!;
    expect([...tensorToFloat32(tensor)]).toEqual([3]);
  });

  it('runs its TSDoc example', () => {
    const bytes = encodeSafetensors({
      'fc.weight': { dtype: 'F32', shape: [1], data: new Float32Array([0.5]) },
    });
    const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
    const weight = tensorToFloat32(tensors.get('fc.weight')!);
    expect(metadata).toEqual({});
    expect([...weight]).toEqual([0.5]);
  });
});
