import { describe, expect, it } from 'vitest';
import { evalImageCount, stepCounts } from './bench-counts.js';

describe('stepCounts', () => {
  it('gives fast runners 1,024 timed and 256 warm-up images, in whole batches', () => {
    expect(stepCounts('wasm', 4, {})).toEqual({ warmup: 64, batches: 256 });
    expect(stepCounts('pytorch', 64, {})).toEqual({ warmup: 5, batches: 16 });
    expect(stepCounts('tensorflow', 48, {})).toEqual({ warmup: 6, batches: 22 });
  });

  it('keeps a minimum of batches for large batch sizes', () => {
    expect(stepCounts('wasm', 512, {})).toEqual({ warmup: 5, batches: 8 });
  });

  it('gives the cpu backend one warm-up batch and 16 images (at least one batch)', () => {
    expect(stepCounts('cpu', 4, {})).toEqual({ warmup: 1, batches: 4 });
    expect(stepCounts('cpu', 64, {})).toEqual({ warmup: 1, batches: 1 });
  });

  it('uses --warmup and --batches as given, for every runner', () => {
    expect(stepCounts('cpu', 64, { warmup: 0, batches: 3 })).toEqual({ warmup: 0, batches: 3 });
    expect(stepCounts('wasm', 4, { batches: 2 })).toEqual({ warmup: 64, batches: 2 });
  });
});

describe('evalImageCount', () => {
  it('evaluates the whole test set, the cpu backend only 1,000 images', () => {
    expect(evalImageCount('wasm', 10_000, {})).toBe(10_000);
    expect(evalImageCount('cpu', 10_000, {})).toBe(1000);
    expect(evalImageCount('cpu', 500, {})).toBe(500);
  });

  it('uses --eval-images, capped at the test set', () => {
    expect(evalImageCount('pytorch', 10_000, { evalImages: 2000 })).toBe(2000);
    expect(evalImageCount('wasm', 500, { evalImages: 2000 })).toBe(500);
  });
});
