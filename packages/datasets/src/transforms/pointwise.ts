import type { BatchTransform } from '../types.js';

/**
 * Transforms that map each value on its own (toTensor, normalize) say so through this
 * property, so {@link compose} can run a chain of them over byte pixels as one table lookup.
 * `map(value, channel, channels)` returns the value the transform would compute (before it is
 * stored as float32); `check(channels)` throws the transform's own error for a channel count it
 * cannot handle.
 */
export const pointwise: unique symbol = Symbol('cnnkit.pointwiseTransform');

export interface PointwiseMap {
  /** `bytes`: applies only to byte pixels (toTensor); `floats`: only to float pixels. */
  readonly input: 'bytes' | 'floats';
  map(value: number, channel: number, channels: number): number;
  check?(channels: number): void;
}

export type PointwiseTransform = BatchTransform & { readonly [pointwise]: PointwiseMap };

export function isPointwise(transform: BatchTransform): transform is PointwiseTransform {
  return (transform as Partial<PointwiseTransform>)[pointwise] !== undefined;
}

/**
 * For channel c and byte b, table[c·256 + b] is the float32 value the chain gives: each map's
 * result is rounded to float32, as storing it in a Float32Array between transforms does.
 */
export function byteLookupTable(maps: readonly PointwiseMap[], channels: number): Float32Array {
  for (const { check } of maps) check?.(channels);
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let b = 0; b < 256; b++) {
      let value = b;
      for (const { map } of maps) value = Math.fround(map(value, c, channels));
      table[c * 256 + b] = value;
    }
  }
  return table;
}

/** out[p·channels + c] = table[c·256 + bytes[p·channels + c]]. */
export function lookUp(bytes: Uint8Array, table: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(bytes.length);
  if (channels === 3) {
    for (let i = 0; i + 2 < bytes.length; i += 3) {
      out[i] = table[bytes[i] as number] as number;
      out[i + 1] = table[256 + (bytes[i + 1] as number)] as number;
      out[i + 2] = table[512 + (bytes[i + 2] as number)] as number;
    }
    return out;
  }
  for (let i = 0; i < bytes.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      out[i + c] = table[c * 256 + (bytes[i + c] as number)] as number;
    }
  }
  return out;
}
