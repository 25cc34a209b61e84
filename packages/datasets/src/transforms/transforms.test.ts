import { Rng } from '@cnnkit/random';
import { describe, expect, it } from 'vitest';
import type { ByteImageBatch, ImageBatch } from '../types.js';
import { compose } from './compose.js';
import { normalize } from './normalize.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { toTensor } from './to-tensor.js';
import { tutorialTransform } from './tutorial-transform.js';

/** One 2×3 image with 2 channels: pixel (y, x) = [10*y + x + 1, 100 + 10*y + x]. */
function tinyBatch(): ByteImageBatch {
  const pixels = Uint8Array.of(1, 100, 2, 101, 3, 102, 11, 110, 12, 111, 13, 112);
  return { pixels, labels: Int32Array.of(5), size: 1, height: 2, width: 3, channels: 2 };
}

const rng = () => new Rng(0);

describe('toTensor', () => {
  it('scales bytes to [0, 1] and leaves floats alone', () => {
    const out = toTensor()(
      { ...tinyBatch(), pixels: Uint8Array.of(0, 255, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0) },
      rng(),
    );
    expect(out.pixels).toBeInstanceOf(Float32Array);
    expect([...out.pixels.subarray(0, 3)]).toEqual([0, 1, Math.fround(0.2)]);
    expect(toTensor()(out, rng())).toBe(out);
  });
});

describe('normalize', () => {
  it('applies per-channel mean and std', () => {
    const input: ImageBatch = {
      ...tinyBatch(),
      pixels: Float32Array.of(1, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0),
    };
    const out = normalize([1, 0], [2, 0.5])(input, rng());
    expect([...out.pixels.subarray(0, 4)]).toEqual([0, 2, 0.5, 6]);
    expect(out.labels).toBe(input.labels);
  });

  it('runs the doc example: 0.5/0.5 maps [0, 1] to [-1, 1]', () => {
    const out = compose(toTensor(), normalize(0.5, 0.5))(
      { ...tinyBatch(), pixels: Uint8Array.of(0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) },
      rng(),
    );
    expect([...out.pixels.subarray(0, 2)]).toEqual([-1, 1]);
  });

  it('explains wrong inputs', () => {
    expect(() => normalize(0.5, 0)).toThrow('std must be positive and finite, got 0');
    expect(() => normalize(0.5, 0.5)(tinyBatch(), rng())).toThrow(
      'put toTensor() before normalize()',
    );
    expect(() => normalize([0.5, 0.5, 0.5], 1)(toTensor()(tinyBatch(), rng()), rng())).toThrow(
      'mean has 3 values [0.5,0.5,0.5] but the images have 2 channels',
    );
  });
});

describe('randomHorizontalFlip', () => {
  it('mirrors rows with p = 1 and keeps them with p = 0', () => {
    const batch = tinyBatch();
    const flipped = randomHorizontalFlip(1)(batch, rng());
    expect([...flipped.pixels]).toEqual([3, 102, 2, 101, 1, 100, 13, 112, 12, 111, 11, 110]);
    expect(flipped.pixels).toBeInstanceOf(Uint8Array);
    expect([...randomHorizontalFlip(0)(batch, rng()).pixels]).toEqual([...batch.pixels]);
    expect([...batch.pixels.subarray(0, 2)]).toEqual([1, 100]); // input untouched
  });

  it('flips about half of many images and follows the rng', () => {
    const size = 1000;
    const batch: ByteImageBatch = {
      pixels: Uint8Array.from({ length: size * 2 }, (_, i) => i % 2),
      labels: new Int32Array(size),
      size,
      height: 1,
      width: 2,
      channels: 1,
    };
    const out = randomHorizontalFlip(0.5)(batch, new Rng(3));
    const flips = Array.from({ length: size }, (_, n) => out.pixels[2 * n]).filter(
      (v) => v === 1,
    ).length;
    expect(flips).toBeGreaterThan(430);
    expect(flips).toBeLessThan(570);
    expect(randomHorizontalFlip(0.5)(batch, new Rng(3)).pixels).toEqual(out.pixels);
  });
});

describe('randomCrop', () => {
  it('with padding 0 and the full size returns the image', () => {
    const out = randomCrop(2, 0)(
      { ...tinyBatch(), width: 2, pixels: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
      rng(),
    );
    expect([...out.pixels]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('cuts windows from the zero-padded image, as torchvision does', () => {
    // 1×1 image, padding 1, crop 2: four possible windows; each holds the pixel once.
    const batch: ByteImageBatch = {
      pixels: new Uint8Array(400).fill(9),
      labels: new Int32Array(400),
      size: 400,
      height: 1,
      width: 1,
      channels: 1,
    };
    const out = randomCrop(2, 1)(batch, rng());
    expect(out.height).toBe(2);
    expect(out.width).toBe(2);
    const positions = new Set<number>();
    for (let n = 0; n < 400; n++) {
      const window = [...out.pixels.subarray(4 * n, 4 * n + 4)];
      expect(window.filter((v) => v === 9)).toHaveLength(1);
      positions.add(window.indexOf(9));
    }
    expect([...positions].sort()).toEqual([0, 1, 2, 3]);
  });

  it('keeps float pixels and rejects sizes that do not fit', () => {
    const floats = toTensor()(tinyBatch(), rng());
    expect(randomCrop(2, 1)(floats, rng()).pixels).toBeInstanceOf(Float32Array);
    expect(() => randomCrop(5, 1)(tinyBatch(), rng())).toThrow(
      'crop size 5 is larger than the padded 4×5 image',
    );
    expect(() => randomCrop(0)).toThrow('size must be a positive integer, got 0');
  });
});

describe('compose', () => {
  it('runs the doc example and is reproducible from the rng seed', () => {
    const transform = compose(
      randomCrop(2, 4),
      randomHorizontalFlip(),
      toTensor(),
      normalize(0.5, 0.5),
    );
    const a = transform(tinyBatch(), new Rng(7));
    const b = transform(tinyBatch(), new Rng(7));
    expect(a.pixels).toEqual(b.pixels);
    expect(a.pixels).toBeInstanceOf(Float32Array);
    expect(a.height).toBe(2);
  });

  it('tutorialTransform is ToTensor + Normalize(0.5, 0.5)', () => {
    const out = tutorialTransform()(tinyBatch(), rng());
    expect(out.pixels[0]).toBeCloseTo((1 / 255 - 0.5) / 0.5, 6);
  });
});

describe('compose(toTensor(), normalize(…)) on bytes', () => {
  function randomBytes(size: number, channels: number): ByteImageBatch {
    const rng = new Rng(7);
    const pixels = Uint8Array.from({ length: size * 4 * 5 * channels }, () => rng.int(256));
    return { pixels, labels: new Int32Array(size), size, height: 4, width: 5, channels };
  }

  it.each([
    [1, 0.5, 0.5],
    [2, [0.1, 0.9], [0.3, 2]],
    [3, [0.4914, 0.4822, 0.4465], [0.247, 0.2435, 0.2616]],
    [4, 0.25, [1, 2, 3, 4]],
  ] as const)(
    'gives the float32 values of the separate steps (%i channels)',
    (channels, mean, std) => {
      const batch = randomBytes(6, channels);
      const separate = normalize(mean, std)(toTensor()(batch, rng()), rng());
      const fused = compose(toTensor(), normalize(mean, std), normalize(0.1, 3))(batch, rng());
      const separateTwice = normalize(0.1, 3)(separate, rng());
      expect(fused.pixels).toBeInstanceOf(Float32Array);
      expect(fused.pixels).toEqual(separateTwice.pixels);
      expect(fused.labels).toBe(batch.labels);
    },
  );

  it('passes float pixels through the steps one by one, and keeps normalize’s channel error', () => {
    const floats = toTensor()(tinyBatch(), rng());
    const pipeline = compose(toTensor(), normalize([0, 1], [1, 2]));
    expect(pipeline(floats, rng()).pixels).toEqual(normalize([0, 1], [1, 2])(floats, rng()).pixels);
    expect(() => compose(toTensor(), normalize([0.5, 0.5, 0.5], 1))(tinyBatch(), rng())).toThrow(
      'mean has 3 values [0.5,0.5,0.5] but the images have 2 channels',
    );
  });
});
