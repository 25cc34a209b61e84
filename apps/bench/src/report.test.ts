import { describe, expect, it } from 'vitest';
import { resultRows } from './merge-results.js';
import { formatMarkdownReport, formatTextReport, machineLines } from './report.js';
import type { BenchResult, Measurement } from './types.js';

const measurements: Measurement[] = [
  {
    task: 'train',
    runner: 'wasm',
    batchSize: 4,
    threads: 1,
    warmup: 64,
    images: 1024,
    imagesPerSecond: [1000, 1100, 900],
    pairedRatios: [0.5, 0.55, 0.45],
  },
  {
    task: 'train',
    runner: 'wasm',
    batchSize: 4,
    threads: 2,
    warmup: 64,
    images: 1024,
    imagesPerSecond: [1800, 1900, 1700],
    pairedRatios: [0.9, 0.95, 0.85],
  },
  {
    task: 'train',
    runner: 'pytorch',
    batchSize: 4,
    threads: 1,
    warmup: 64,
    images: 1024,
    imagesPerSecond: [2000, 2000, 2000],
  },
];

const result: BenchResult = {
  machine: {
    date: '2026-11-29T01:00:00.000Z',
    cpuModel: 'Example CPU @ 2.00GHz',
    cores: 2,
    loadAverage: [3.5, 2, 1.25],
    platform: 'linux x64 6.1.0',
    node: 'v22.11.0',
    tfjsCore: '4.22.0',
    tfjsBackendWasm: '4.22.0',
    wasmThreads: [1, 2],
    torch: '1.13.0a0',
    torchThreads: [1],
  },
  settings: {
    command: 'pnpm bench --data sample',
    data: 'sample',
    trainImages: 2000,
    testImages: 500,
    batchSizes: [4],
    repeats: 3,
    evalBatch: 1000,
    evalRepeats: 3,
    seed: 0,
  },
  runners: [
    { runner: 'tensorflow', ok: false, reason: "Cannot find module '@tensorflow/tfjs-node'" },
    { runner: 'wasm', ok: true, detail: '@tensorflow/tfjs-backend-wasm 4.22.0, 2 threads' },
    { runner: 'pytorch', ok: true, detail: 'torch 1.13.0a0, 1 thread' },
  ],
  measurements,
  rows: resultRows(measurements),
};

describe('machineLines', () => {
  it('lists the date, CPU, load, versions with threads, and the data', () => {
    expect(machineLines(result)).toEqual([
      'date: 2026-11-29T01:00:00.000Z',
      'machine: Example CPU @ 2.00GHz, 2 cores, linux x64 6.1.0, load average 3.5 2 1.25 at start',
      'software: Node v22.11.0, tfjs-core 4.22.0, tfjs-backend-wasm 4.22.0 (1, 2 threads), torch 1.13.0a0 (1 thread)',
      'data: sample (2,000 train, 500 test images), seed 0',
    ]);
  });

  it('leaves out what did not run', () => {
    const {
      tfjsBackendWasm: _w,
      wasmThreads: _t,
      torch: _v,
      torchThreads: _n,
      ...rest
    } = result.machine;
    expect(machineLines({ ...result, machine: rest })[2]).toBe(
      'software: Node v22.11.0, tfjs-core 4.22.0',
    );
  });
});

describe('formatTextReport', () => {
  it('says which runners were skipped and why, then the table with scaling and ratios', () => {
    const text = formatTextReport(result);
    expect(text).toContain(
      "tensorflow: skipped — Cannot find module '@tensorflow/tfjs-node'\nwasm: @tensorflow",
    );
    expect(text).toMatch(/^train {2}wasm +1 +4 +1,024 +1,000 \[900–1,100\] +3 +— +0\.50×/m);
    // 1,800 img/s on 2 threads over 2 × 1,000 on 1: 90 % scaling efficiency.
    expect(text).toMatch(/^train {2}wasm +2 +4 +1,024 +1,800 \[1,700–1,900\] +3 +90 % +0\.90×/m);
    expect(text).toMatch(/^train {2}pytorch +1 +4 .* 1\.00×/m);
    expect(text).toContain('scaling = img/s on n threads / (n × img/s on 1 thread)');
  });
});

describe('formatMarkdownReport', () => {
  it('starts with the command in a code block and has a Markdown table', () => {
    const lines = formatMarkdownReport(result).split('\n');
    expect(lines.slice(0, 3)).toEqual(['```sh', 'pnpm bench --data sample', '```']);
    expect(lines).toContain('- wasm: @tensorflow/tfjs-backend-wasm 4.22.0, 2 threads');
    expect(lines).toContain(
      '| train | wasm    |       1 |     4 |      1,024 |      1,000 [900–1,100] |    3 |       — |      0.50× | 0.50× [0.45×–0.55×] |',
    );
    expect(lines).toContain(
      '| train | wasm    |       2 |     4 |      1,024 |    1,800 [1,700–1,900] |    3 |    90 % |      0.90× | 0.90× [0.85×–0.95×] |',
    );
  });
});
