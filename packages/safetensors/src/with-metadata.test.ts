import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.js';
import { encodeSafetensors } from './encode-safetensors.js';
import type { TensorToEncode } from './types.js';
import { withSafetensorsMetadata } from './with-metadata.js';

const tensors: Record<string, TensorToEncode> = {
  'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
  'bn.num_batches_tracked': { dtype: 'I64', shape: [], data: new BigInt64Array([7n]) },
  mask: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 0, 1]) },
};

describe('withSafetensorsMetadata', () => {
  it('gives the bytes encodeSafetensors gives with that metadata', () => {
    const plain = encodeSafetensors(tensors, { format: 'pt' });
    const metadata = { format: 'pt', 'cnnkit.classes': '["cat","dög"]', note: 'x'.repeat(13) };
    expect(withSafetensorsMetadata(plain, metadata)).toEqual(encodeSafetensors(tensors, metadata));
    expect(withSafetensorsMetadata(plain, {})).toEqual(encodeSafetensors(tensors));
  });

  it('works on a view into a larger buffer', () => {
    const plain = encodeSafetensors(tensors);
    const padded = new Uint8Array(plain.length + 16);
    padded.set(plain, 16);
    const view = padded.subarray(16);
    const out = withSafetensorsMetadata(view, { a: 'b' });
    expect(out).toEqual(encodeSafetensors(tensors, { a: 'b' }));
    expect(decodeSafetensors(out).metadata).toEqual({ a: 'b' });
  });

  it('refuses a broken file and non-string metadata, naming them', () => {
    const plain = encodeSafetensors(tensors);
    expect(() => withSafetensorsMetadata(plain.subarray(0, plain.length - 1), {}, 'w.st')).toThrow(
      /^w\.st: /,
    );
    expect(() =>
      withSafetensorsMetadata(plain, { epoch: 3 } as unknown as Record<string, string>),
    ).toThrow('Metadata "epoch" must be a string, got 3');
  });
});
