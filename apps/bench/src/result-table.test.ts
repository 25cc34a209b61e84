import { describe, expect, it } from 'vitest';
import { formatMarkdownTable, formatRate, formatRatio, formatTable } from './result-table.js';
import type { ResultRow } from './types.js';

const rows: ResultRow[] = [
  {
    task: 'train',
    runner: 'wasm',
    batchSize: 4,
    threads: 2,
    images: 1024,
    runs: 5,
    median: 1402.4,
    min: 1380,
    max: 1431.2,
    scaling: 0.9149,
    ratioToPytorch: 0.8123,
    pairedRatio: { median: 0.8, min: 0.7512, max: 0.9 },
  },
  {
    task: 'train',
    runner: 'pytorch',
    batchSize: 4,
    threads: 1,
    images: 1024,
    runs: 5,
    median: 1726.6,
    min: 1700,
    max: 1750,
    scaling: null,
    ratioToPytorch: 1,
    pairedRatio: null,
  },
  {
    task: 'eval',
    runner: 'cpu',
    batchSize: 1000,
    threads: null,
    images: 1000,
    runs: 1,
    median: 19.64,
    min: 19.64,
    max: 19.64,
    scaling: null,
    ratioToPytorch: null,
    pairedRatio: null,
  },
];

describe('formatRate and formatRatio', () => {
  it('rounds rates of 100 and more and keeps one decimal below', () => {
    expect(formatRate(12_345.6)).toBe('12,346');
    expect(formatRate(100)).toBe('100');
    expect(formatRate(19.64)).toBe('19.6');
    expect(formatRate(3)).toBe('3.0');
  });

  it('shows ratios with two decimals and a dash when there is nothing to compare with', () => {
    expect(formatRatio(0.8123)).toBe('0.81×');
    expect(formatRatio(1)).toBe('1.00×');
    expect(formatRatio(0.003_64)).toBe('0.0036×');
    expect(formatRatio(0.1)).toBe('0.10×');
    expect(formatRatio(null)).toBe('—');
  });
});

describe('formatTable', () => {
  it('pads columns so that they line up, numbers right-aligned', () => {
    expect(formatTable(rows).split('\n')).toEqual([
      'task   runner   threads  batch  images/run  img/s median [min–max]  runs  scaling  vs PyTorch     paired [min–max]',
      'train  wasm           2      4       1,024     1,402 [1,380–1,431]     5     91 %       0.81×  0.80× [0.75×–0.90×]',
      'train  pytorch        1      4       1,024     1,727 [1,700–1,750]     5        —       1.00×                    —',
      'eval   cpu            —   1000       1,000        19.6 [19.6–19.6]     1        —           —                    —',
    ]);
  });

  it('prints only the header for no rows', () => {
    expect(formatTable([])).toBe(
      'task  runner  threads  batch  images/run  img/s median [min–max]  runs  scaling  vs PyTorch  paired [min–max]',
    );
  });
});

describe('formatMarkdownTable', () => {
  it('writes a header, an alignment row and one padded line per row, as biome lays tables out', () => {
    expect(formatMarkdownTable(rows).split('\n')).toEqual([
      '| task  | runner  | threads | batch | images/run | img/s median [min–max] | runs | scaling | vs PyTorch |    paired [min–max] |',
      '| ----- | ------- | ------: | ----: | ---------: | ---------------------: | ---: | ------: | ---------: | ------------------: |',
      '| train | wasm    |       2 |     4 |      1,024 |    1,402 [1,380–1,431] |    5 |    91 % |      0.81× | 0.80× [0.75×–0.90×] |',
      '| train | pytorch |       1 |     4 |      1,024 |    1,727 [1,700–1,750] |    5 |       — |      1.00× |                   — |',
      '| eval  | cpu     |       — |  1000 |      1,000 |       19.6 [19.6–19.6] |    1 |       — |          — |                   — |',
    ]);
  });
});
