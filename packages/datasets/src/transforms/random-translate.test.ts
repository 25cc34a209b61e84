import { Rng } from '@cnnkit/random';
import { describe, expect, it } from 'vitest';
import type { ByteImageBatch } from '../types.js';
import { randomTranslate } from './random-translate.js';

/** A generator whose int() answers are given in advance. */
function scripted(...answers: number[]): Rng {
  return { int: () => answers.shift() as number } as unknown as Rng;
}

/** One 3×4 single-channel image: pixel (y, x) = 4y + x. */
const grid: ByteImageBatch = {
  pixels: Uint8Array.from({ length: 12 }, (_, i) => i),
  labels: Int32Array.of(1),
  size: 1,
  height: 3,
  width: 4,
  channels: 1,
};

describe('randomTranslate', () => {
  it("equals a window of PyTorch's reflect padding (F.pad(x, (2, 2, 2, 2), 'reflect'))", () => {
    // Shift −2 down, +2 across: draws 0 and 4 of [0, 5). Expected values from
    // F.pad(torch.arange(12.).view(1, 1, 3, 4), (2, 2, 2, 2), 'reflect')[0, 0, 0:3, 4:8].
    const out = randomTranslate(2)(grid, scripted(0, 4));
    expect(Array.from(out.pixels)).toEqual([10, 11, 10, 9, 6, 7, 6, 5, 2, 3, 2, 1]);
    expect(out.pixels).toBeInstanceOf(Uint8Array);
    const floats = randomTranslate(2)(
      { ...grid, pixels: Float32Array.from(grid.pixels) },
      scripted(0, 4),
    );
    expect(floats.pixels).toBeInstanceOf(Float32Array);
    expect(Array.from(floats.pixels)).toEqual(Array.from(out.pixels));
    // No shift is the identity.
    expect(Array.from(randomTranslate(2)(grid, scripted(2, 2)).pixels)).toEqual(
      Array.from(grid.pixels),
    );
  });

  it('draws every shift in [-2, 2]² about equally often, per image', () => {
    const count = 5000;
    const batch: ByteImageBatch = {
      pixels: new Uint8Array(count * 25).map((_, i) => i % 25),
      labels: new Int32Array(count),
      size: count,
      height: 5,
      width: 5,
      channels: 1,
    };
    const out = randomTranslate(2)(batch, new Rng(3));
    // Pixel (2, 2) of the output is input pixel (2 + dy, 2 + dx): it names the shift.
    const seen = new Map<number, number>();
    for (let n = 0; n < count; n++) {
      const centre = out.pixels[n * 25 + 12] as number;
      seen.set(centre, (seen.get(centre) ?? 0) + 1);
    }
    expect(seen.size).toBe(25);
    for (const times of seen.values()) {
      expect(times).toBeGreaterThan(140); // 200 expected
      expect(times).toBeLessThan(260);
    }
  });

  it('rejects shifts the image cannot reflect, quoting the value', () => {
    expect(() => randomTranslate(-1)).toThrow(/non-negative integer, got -1/);
    expect(() => randomTranslate(3)(grid, new Rng(0))).toThrow(
      /shift of 3 needs images larger than 3 pixels, got 3×4/,
    );
  });
});
