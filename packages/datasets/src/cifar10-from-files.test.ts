import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES } from './cifar10-format.js';
import { cifar10FromFiles } from './cifar10-from-files.js';
import { encodeCifar10Batch } from './encode-cifar10-batch.js';
import { syntheticCifar10Files, syntheticImages } from './testing/synthetic-cifar10.js';

describe('cifar10FromFiles', () => {
  it('runs the doc example', () => {
    const files = new Map([
      ['data_batch_1.bin', encodeCifar10Batch(new Uint8Array(32 * 32 * 3), [1])],
      ['test_batch.bin', encodeCifar10Batch(new Uint8Array(32 * 32 * 3), [2])],
      ['batches.meta.txt', new TextEncoder().encode(CIFAR10_CLASS_NAMES.join('\n'))],
    ]);
    const { train, test } = cifar10FromFiles(files, 'my-dir');
    expect(train.count).toBe(1);
    expect(test.count).toBe(1);
    expect(train.classNames[1]).toBe('automobile');
  });

  it('joins the training files in order', () => {
    const files = syntheticCifar10Files({ train: [[1, 2], [3], [4, 5, 6]], test: [7, 8] });
    const { train, test } = cifar10FromFiles(files, 'dir');
    expect([...train.labels]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...test.labels]).toEqual([7, 8]);
    expect(train.images.subarray(3 * 3072, 4 * 3072)).toEqual(
      syntheticImages(3, 3).subarray(0, 3072),
    );
    expect(train).toMatchObject({ count: 6, height: 32, width: 32, channels: 3 });
    expect(test.images).toEqual(syntheticImages(2, 99));
  });

  it('lists every missing file in one error', () => {
    const files = syntheticCifar10Files({ train: [[1]], test: [2] });
    files.delete('data_batch_1.bin');
    files.delete('batches.meta.txt');
    expect(() => cifar10FromFiles(files, '/data/cifar')).toThrow(
      '/data/cifar: missing CIFAR-10 file(s) batches.meta.txt, data_batch_1.bin.',
    );
  });

  it('reports a gap in the training files', () => {
    const files = syntheticCifar10Files({ train: [[1], [2], [3]], test: [2] });
    files.delete('data_batch_2.bin');
    expect(() => cifar10FromFiles(files, 'dir')).toThrow(
      'missing CIFAR-10 file(s) data_batch_2.bin.',
    );
  });

  it('requires all five training files when the test file is full size', () => {
    const files = syntheticCifar10Files({ train: [[1], [2]], test: [] });
    files.set(
      'test_batch.bin',
      encodeCifar10Batch(new Uint8Array(10_000 * 3072), new Uint8Array(10_000)),
    );
    expect(() => cifar10FromFiles(files, 'dir')).toThrow(
      'missing CIFAR-10 file(s) data_batch_3.bin, data_batch_4.bin, data_batch_5.bin.',
    );
  });

  it('quotes the path of a bad file', () => {
    const files = syntheticCifar10Files({ train: [[1]], test: [2] });
    files.set('data_batch_1.bin', new Uint8Array(100));
    expect(() => cifar10FromFiles(files, 'archive.tar.gz')).toThrow(
      'archive.tar.gz/data_batch_1.bin: size 100 bytes is not a multiple of 3,073',
    );
  });
});
