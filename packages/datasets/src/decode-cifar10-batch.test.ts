import { describe, expect, it } from 'vitest';
import { decodeCifar10Batch } from './decode-cifar10-batch.js';
import { encodeCifar10Batch } from './encode-cifar10-batch.js';
import { syntheticImages } from './testing/synthetic-cifar10.js';

describe('decodeCifar10Batch', () => {
  it('runs the doc example', () => {
    const record = new Uint8Array(3073);
    const { count, images } = decodeCifar10Batch(record, 'data_batch_1.bin');
    expect(count).toBe(1);
    expect(images.length).toBe(32 * 32 * 3);
  });

  it('turns R, G, B planes into channels-last pixels', () => {
    const record = new Uint8Array(3073);
    record[0] = 6;
    record[1 + 5] = 10; // R of pixel 5
    record[1 + 1024 + 5] = 20; // G of pixel 5
    record[1 + 2048 + 5] = 30; // B of pixel 5
    record[1 + 1024 * 3 - 1] = 40; // B of the last pixel (y 31, x 31)
    const { labels, images } = decodeCifar10Batch(record, 'x.bin');
    expect(labels[0]).toBe(6);
    expect([...images.subarray(15, 18)]).toEqual([10, 20, 30]);
    expect(images[31 * 96 + 31 * 3 + 2]).toBe(40);
  });

  it('round-trips with encodeCifar10Batch', () => {
    const images = syntheticImages(3);
    const decoded = decodeCifar10Batch(encodeCifar10Batch(images, [0, 9, 4]), 'x.bin');
    expect(decoded.images).toEqual(images);
    expect([...decoded.labels]).toEqual([0, 9, 4]);
  });

  it('names the file and the size when the size is not a whole number of records', () => {
    expect(() => decodeCifar10Batch(new Uint8Array(3073 * 2 + 1), 'data_batch_3.bin')).toThrow(
      'data_batch_3.bin: size 6,147 bytes is not a multiple of 3,073 (record = 1 label byte + 3,072 pixel bytes); the file is truncated or not CIFAR-10 binary.',
    );
    expect(() => decodeCifar10Batch(new Uint8Array(0), 'test_batch.bin')).toThrow(
      'test_batch.bin: is empty',
    );
  });

  it('names the file, record and value of a label outside 0–9', () => {
    const bytes = new Uint8Array(3073 * 2);
    bytes[3073] = 10;
    expect(() => decodeCifar10Batch(bytes, 'test_batch.bin')).toThrow(
      'test_batch.bin: record 1 (byte offset 3,073) has label 10, but CIFAR-10 labels are 0–9',
    );
  });
});

describe('encodeCifar10Batch', () => {
  it('runs the doc example', () => {
    const images = new Uint8Array(2 * 32 * 32 * 3);
    expect(encodeCifar10Batch(images, Uint8Array.of(3, 7)).length).toBe(2 * 3073);
  });

  it('rejects a label outside 0–9 and a wrong image size', () => {
    expect(() => encodeCifar10Batch(new Uint8Array(3072), [10])).toThrow('label 10 of image 0');
    expect(() => encodeCifar10Batch(new Uint8Array(5), [1])).toThrow('need 3072 image bytes');
  });
});
