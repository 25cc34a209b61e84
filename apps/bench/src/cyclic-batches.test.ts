import type { ImageBatch } from '@cnnkit/contracts';
import { DataLoader, type ImageDataset } from '@cnnkit/datasets';
import { describe, expect, it } from 'vitest';
import { cyclicBatches } from './cyclic-batches.js';

// Ten 1×1 grey images whose pixel value is their index, labels 0–9.
const dataset: ImageDataset = {
  images: Uint8Array.from({ length: 10 }, (_, i) => i),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i),
  count: 10,
  height: 1,
  width: 1,
  channels: 1,
  classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`),
};
// 3 full batches per epoch; image 9 is dropped.
const loader = new DataLoader(dataset, { batchSize: 3, dropLast: true });

async function labelsOf(batches: AsyncIterable<ImageBatch>): Promise<number[][]> {
  const seen: number[][] = [];
  for await (const batch of batches) seen.push([...batch.labels]);
  return seen;
}

describe('cyclicBatches', () => {
  it('yields consecutive batches and wraps into the next epoch, in data order', async () => {
    const source = cyclicBatches(loader, 2, 4);
    expect(source.batchesPerEpoch).toBe(4);
    expect(source.imagesPerEpoch).toBe(12);
    expect(await labelsOf(source.batches(0))).toEqual([
      [6, 7, 8],
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
  });

  it('continues where an earlier run stopped and spans several epochs', async () => {
    expect(await labelsOf(cyclicBatches(loader, 0, 2).batches(0))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect((await labelsOf(cyclicBatches(loader, 2, 7).batches(0))).map((b) => b[0])).toEqual([
      6, 0, 3, 6, 0, 3, 6,
    ]);
  });

  it('resumes from a start batch, and yields nothing for count 0', async () => {
    expect(await labelsOf(cyclicBatches(loader, 1, 3).batches(0, 2))).toEqual([[0, 1, 2]]);
    expect(await labelsOf(cyclicBatches(loader, 5, 0).batches(0))).toEqual([]);
  });

  it('rejects other epochs, bad counts and loaders without a full batch', async () => {
    await expect(labelsOf(cyclicBatches(loader, 0, 1).batches(1))).rejects.toThrow(
      /single epoch \(0\); asked for epoch 1/,
    );
    expect(() => cyclicBatches(loader, -1, 1)).toThrow(/got -1 and 1/);
    const tooBig = new DataLoader(dataset, { batchSize: 11, dropLast: true });
    expect(() => cyclicBatches(tooBig, 0, 1)).toThrow(/smaller batch size/);
    const partial = new DataLoader(dataset, { batchSize: 3 });
    expect(() => cyclicBatches(partial, 0, 1)).toThrow(/drop-last/);
  });
});
