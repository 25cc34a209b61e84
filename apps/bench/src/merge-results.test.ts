import { describe, expect, it } from 'vitest';
import { resultRows } from './merge-results.js';
import type { Measurement } from './types.js';

const measurement = (overrides: Partial<Measurement>): Measurement => ({
  task: 'train',
  runner: 'wasm',
  batchSize: 4,
  warmup: 5,
  images: 400,
  imagesPerSecond: [1000],
  ...overrides,
});

describe('resultRows', () => {
  it('runs the README example', () => {
    const rows = resultRows([
      measurement({ imagesPerSecond: [900, 1100, 1000] }),
      measurement({ runner: 'pytorch', imagesPerSecond: [2000] }),
    ]);
    expect(rows[0]?.ratioToPytorch).toBe(0.5);
  });

  it('pools PyTorch runs taken beside several backends and compares each backend with them', () => {
    const rows = resultRows([
      measurement({ runner: 'wasm', imagesPerSecond: [1000, 1200, 1100] }),
      measurement({ runner: 'pytorch', imagesPerSecond: [2000, 2400] }),
      measurement({ runner: 'cpu', images: 64, imagesPerSecond: [20, 22] }),
      measurement({ runner: 'pytorch', imagesPerSecond: [2200] }),
    ]);
    expect(rows.map((row) => [row.runner, row.runs, row.median])).toEqual([
      ['wasm', 3, 1100],
      ['cpu', 2, 21],
      ['pytorch', 3, 2200],
    ]);
    expect(rows[0]?.ratioToPytorch).toBeCloseTo(0.5, 12);
    expect(rows[1]?.ratioToPytorch).toBeCloseTo(21 / 2200, 12);
    expect(rows[2]).toMatchObject({ min: 2000, max: 2400, ratioToPytorch: 1 });
  });

  it("summarises each cnnkit row's paired ratios, pooled like the rates", () => {
    const rows = resultRows([
      measurement({ imagesPerSecond: [1000, 1200], pairedRatios: [0.5, 0.7] }),
      measurement({ imagesPerSecond: [1100], pairedRatios: [0.4] }),
      measurement({ runner: 'pytorch', imagesPerSecond: [2000, 2000, 2000] }),
    ]);
    expect(rows[0]?.pairedRatio).toEqual({ median: 0.5, min: 0.4, max: 0.7 });
    expect(rows[1]?.pairedRatio).toBeNull();
  });

  it('matches ratios by task and batch size, and sorts train before eval and small batches first', () => {
    const rows = resultRows([
      measurement({ task: 'eval', batchSize: 1000, images: 10_000, imagesPerSecond: [8000] }),
      measurement({ batchSize: 64, images: 1024, imagesPerSecond: [3000] }),
      measurement({ batchSize: 64, images: 1024, runner: 'pytorch', imagesPerSecond: [2000] }),
      measurement({
        task: 'eval',
        batchSize: 1000,
        images: 10_000,
        runner: 'pytorch',
        imagesPerSecond: [10_000],
      }),
      measurement({ imagesPerSecond: [1500] }),
    ]);
    expect(rows.map((row) => `${row.task} ${row.batchSize} ${row.runner}`)).toEqual([
      'train 4 wasm',
      'train 64 wasm',
      'train 64 pytorch',
      'eval 1000 wasm',
      'eval 1000 pytorch',
    ]);
    expect(rows.map((row) => row.ratioToPytorch)).toEqual([null, 1.5, 1, 0.8, 1]);
  });

  it('gives each n-thread row its scaling efficiency against the same runner on 1 thread', () => {
    const rows = resultRows([
      measurement({ threads: 1, imagesPerSecond: [1000] }),
      measurement({ threads: 2, imagesPerSecond: [1700, 1800, 1900] }),
      measurement({ batchSize: 64, threads: 2, imagesPerSecond: [3000] }),
      measurement({ runner: 'pytorch', threads: 2, imagesPerSecond: [1500] }),
    ]);
    expect(rows.map((row) => [row.runner, row.threads, row.batchSize, row.scaling])).toEqual([
      ['wasm', 1, 4, null],
      ['wasm', 2, 4, 0.9],
      ['pytorch', 2, 4, null], // no 1-thread PyTorch row to compare with
      ['wasm', 2, 64, null],
    ]);
    expect(rows[1]?.ratioToPytorch).toBe(1.2);
  });

  it('keeps measurements with different images per run apart and drops empty ones', () => {
    const rows = resultRows([
      measurement({ images: 400, imagesPerSecond: [1000] }),
      measurement({ images: 64, imagesPerSecond: [900] }),
      measurement({ images: 128, imagesPerSecond: [] }),
    ]);
    expect(rows.map((row) => [row.images, row.median])).toEqual([
      [400, 1000],
      [64, 900],
    ]);
  });
});
