import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCifar10 } from './open-cifar10.js';

// The shared full data set sits next to the repository: <repo>/../shared/data/.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const archive = resolve(repoRoot, '..', 'shared', 'data', 'cifar-10-binary.tar.gz');

describe.skipIf(!existsSync(archive))('the full CIFAR-10 archive', () => {
  it('has 50,000 training and 10,000 test images, labels 0–9 and 10 class names', async () => {
    const { train, test } = await openCifar10(archive);
    expect(train.count).toBe(50_000);
    expect(test.count).toBe(10_000);
    expect(train.images.length).toBe(50_000 * 32 * 32 * 3);
    expect(train.classNames).toEqual([
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    for (const { labels, count } of [train, test]) {
      const perClass = new Array<number>(10).fill(0);
      for (const label of labels) perClass[label] = (perClass[label] as number) + 1;
      expect(perClass).toEqual(new Array(10).fill(count / 10));
    }
  });
});
