import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cifar10FromArchiveBytes } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { describe, expect, it } from 'vitest';
import {
  CIFAR10_SAMPLE_SHA256,
  CIFAR10_SAMPLE_TEST_COUNT,
  CIFAR10_SAMPLE_TEST_PER_CLASS,
  CIFAR10_SAMPLE_TRAIN_COUNT,
  CIFAR10_SAMPLE_TRAIN_PER_CLASS,
  cifar10SampleUrl,
} from './index.js';
import { cifar10SamplePath } from './node.js';

function countPerClass(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label] = (counts[label] as number) + 1;
  return counts;
}

describe('the CIFAR-10 sample', () => {
  it('runs the cifar10SamplePath example: 2,000 / 500 images, 200 / 50 per class', async () => {
    const { train, test } = await openCifar10(cifar10SamplePath());
    expect(train.count).toBe(CIFAR10_SAMPLE_TRAIN_COUNT);
    expect(test.count).toBe(CIFAR10_SAMPLE_TEST_COUNT);
    expect(countPerClass(train.labels)).toEqual(new Array(10).fill(CIFAR10_SAMPLE_TRAIN_PER_CLASS));
    expect(countPerClass(test.labels)).toEqual(new Array(10).fill(CIFAR10_SAMPLE_TEST_PER_CLASS));
    expect(train.classNames[0]).toBe('airplane');
    expect(train.classNames[9]).toBe('truck');
    // Real photos, not blank records.
    expect(new Set(train.images.subarray(0, 3072)).size).toBeGreaterThan(50);
  });

  it('runs the cifar10SampleUrl example (bytes read in memory) and matches the recorded SHA-256', async () => {
    const bytes = new Uint8Array(await readFile(cifar10SampleUrl));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(CIFAR10_SAMPLE_SHA256);
    const { train, test } = cifar10FromArchiveBytes(bytes, 'cifar-10-sample.tar.gz');
    expect(train.count).toBe(2000);
    expect(test.count).toBe(500);
  });

  it('fits the 8 MB budget', async () => {
    expect((await readFile(cifar10SamplePath())).length).toBeLessThanOrEqual(8 * 1024 * 1024);
  });
});
