import { describe, expect, it } from 'vitest';
import {
  type BenchOptions,
  parseBenchArgs,
  torchThreadsAt,
  UsageError,
  usage,
} from './bench-options.js';

const defaults = { defaultData: '/data/cifar-10-binary.tar.gz', cores: 8 };
const parse = (...argv: string[]) => parseBenchArgs(argv, defaults) as BenchOptions;

describe('parseBenchArgs', () => {
  it('fills in the defaults', () => {
    expect(parse()).toEqual({
      data: '/data/cifar-10-binary.tar.gz',
      backends: ['tensorflow', 'wasm'],
      batchSizes: [4, 64],
      warmup: undefined,
      batches: undefined,
      repeats: 5,
      evalBatch: 1000,
      evalRepeats: 3,
      evalImages: undefined,
      replicas: false,
      pytorch: true,
      python: '/usr/bin/python3',
      torchThreads: { byBatch: { 4: 1 }, other: 8 },
      seed: 0,
      json: false,
    });
  });

  it('reads every flag', () => {
    expect(
      parse(
        '--data=sample',
        '--backends',
        'wasm, cpu',
        '--batch-sizes',
        '8,4,8',
        '--warmup',
        '0',
        '--batches',
        '3',
        '--repeats',
        '2',
        '--eval-batch',
        '500',
        '--eval-repeats',
        '1',
        '--eval-images',
        '250',
        '--threads',
        '1, 2,4,2',
        '--replicas',
        '--no-pytorch',
        '--python',
        '/opt/py',
        '--torch-threads',
        '2',
        '--seed',
        '7',
        '--json',
        '--markdown',
        'out.md',
      ),
    ).toEqual({
      data: 'sample',
      backends: ['wasm', 'cpu'],
      batchSizes: [8, 4],
      warmup: 0,
      batches: 3,
      repeats: 2,
      evalBatch: 500,
      evalRepeats: 1,
      evalImages: 250,
      threads: [1, 2, 4],
      replicas: true,
      pytorch: false,
      python: '/opt/py',
      torchThreads: { byBatch: {}, other: 2 },
      seed: 7,
      json: true,
      markdown: 'out.md',
    });
  });

  it('reads --torch-threads as batch:threads pairs and a count for the other batch sizes', () => {
    const { torchThreads } = parse('--torch-threads', '4:1,64:2');
    expect(torchThreads).toEqual({ byBatch: { 4: 1, 64: 2 }, other: 8 });
    expect([4, 64, 1000].map((batch) => torchThreadsAt(torchThreads, batch))).toEqual([1, 2, 8]);
    expect(parse('--torch-threads', '3,4:1').torchThreads).toEqual({ byBatch: { 4: 1 }, other: 3 });
  });

  it('answers --help and -h with "help"', () => {
    expect(parseBenchArgs(['--help'], defaults)).toBe('help');
    expect(parseBenchArgs(['-h', '--data', 'sample'], defaults)).toBe('help');
    expect(usage).toContain('--backends');
  });

  it('names the flag and the value it rejects', () => {
    const cases: [string[], RegExp][] = [
      [['--backends', 'wasm,gpu'], /unknown backend 'gpu'.*tensorflow, wasm, cpu/],
      [['--backends', ','], /--backends needs at least one value/],
      [['--batch-sizes', '4,0'], /--batch-sizes needs a whole number >= 1, got '0'/],
      [['--repeats', '2.5'], /--repeats needs a whole number >= 1, got '2.5'/],
      [['--warmup=-1'], /--warmup needs a whole number >= 0, got '-1'/],
      [['--batches', 'many'], /--batches .* got 'many'/],
      [['--threads', '2,0'], /--threads needs a whole number >= 1, got '0'/],
      [['--torch-threads', '4:x'], /--torch-threads: '4:x' is neither a thread count/],
      [['--torch-threads', '4:0'], /--torch-threads needs a whole number >= 1, got '0'/],
      [['--frobnicate'], /frobnicate/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseBenchArgs(argv, defaults), argv.join(' ')).toThrow(UsageError);
      expect(() => parseBenchArgs(argv, defaults), argv.join(' ')).toThrow(message);
    }
  });
});
