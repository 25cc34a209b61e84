import { describe, expect, it } from 'vitest';
import { UsageError } from './bench-options.js';
import { parseTimeToAccuracyArgs } from './time-to-accuracy-options.js';

const defaults = { defaultData: '/data/cifar-10-binary.tar.gz' };

describe('pnpm bench --time-to-accuracy flags', () => {
  it('defaults to three seeds, 90 % and 93 %, PyTorch at 2 threads, the recipe unchanged', () => {
    expect(parseTimeToAccuracyArgs(['--time-to-accuracy'], defaults)).toEqual({
      data: '/data/cifar-10-binary.tar.gz',
      seeds: [0, 1, 2],
      targets: [0.9, 0.93],
      pytorch: true,
      python: '/usr/bin/python3',
      torchThreads: 2,
      json: false,
    });
  });

  it('takes a quick check’s changes', () => {
    const options = parseTimeToAccuracyArgs(
      ['--time-to-accuracy', '--data', 'sample', '--seeds', '4', '--widths', '16,32,32']
        .concat(['--epochs', '1', '--batch-size', '64', '--limit', '256', '--test-limit', '100'])
        .concat(['--no-pytorch', '--targets', '0.5', '--markdown', 'out.md']),
      defaults,
    );
    expect(options).toMatchObject({
      data: 'sample',
      seeds: [4],
      widths: [16, 32, 32],
      epochs: 1,
      batchSize: 64,
      limit: 256,
      testLimit: 100,
      pytorch: false,
      targets: [0.5],
      markdown: 'out.md',
    });
  });

  it.each([
    [['--seeds', 'a'], /--seeds needs whole numbers/],
    [['--targets', '93'], /--targets needs accuracies in \(0, 1\]/],
    [['--epochs', '0'], /--epochs needs a whole number >= 1, got '0'/],
    [['--backends', 'wasm'], /Unknown option '--backends'/],
  ])('refuses %j', (args, message) => {
    const parse = () => parseTimeToAccuracyArgs(['--time-to-accuracy', ...args], defaults);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it('answers --help', () => {
    expect(parseTimeToAccuracyArgs(['--time-to-accuracy', '--help'], defaults)).toBe('help');
  });
});
