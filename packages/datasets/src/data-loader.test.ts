import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { compose } from './transforms/compose.js';
import { randomCrop } from './transforms/random-crop.js';
import { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
import { toTensor } from './transforms/to-tensor.js';
import { tutorialTransform } from './transforms/tutorial-transform.js';
import type { ImageBatch, ImageDataset } from './types.js';

/** `count` 2×2×1 images; every pixel of image i is i, label is i % 10. */
function numberedDataset(count: number): ImageDataset {
  return {
    images: Uint8Array.from({ length: count * 4 }, (_, i) => Math.floor(i / 4)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    height: 2,
    width: 2,
    channels: 1,
    classNames: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'],
  };
}

async function collect(batches: AsyncIterable<ImageBatch>): Promise<ImageBatch[]> {
  const out: ImageBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** Image ids of a batch, read back from the first pixel of each image (raw bytes / 255). */
function ids(batch: ImageBatch): number[] {
  return Array.from({ length: batch.size }, (_, n) =>
    Math.round((batch.pixels[n * 4] as number) * 255),
  );
}

describe('DataLoader', () => {
  it('runs the doc example', async () => {
    const train = {
      ...numberedDataset(10),
      height: 32,
      width: 32,
      channels: 3,
      images: new Uint8Array(10 * 3072),
    };
    const loader = new DataLoader(train, {
      batchSize: 4,
      shuffle: true,
      seed: 0,
      transform: tutorialTransform(),
    });
    const batches = await collect(loader.batches(0));
    expect(batches[0]?.pixels.length).toBe(4 * 32 * 32 * 3);
    expect(batches[0]?.labels).toBeInstanceOf(Int32Array);
    expect(batches[0]?.pixels[0]).toBe(-1);
  });

  it('without shuffle yields images in order, the last batch short', async () => {
    const loader = new DataLoader(numberedDataset(10), { batchSize: 4 });
    expect(loader.batchesPerEpoch).toBe(3);
    expect(loader.imagesPerEpoch).toBe(10);
    const batches = await collect(loader.batches(0));
    expect(batches.map(ids)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect([...(batches[2]?.labels ?? [])]).toEqual([8, 9]);
    expect(batches[2]).toMatchObject({ size: 2, height: 2, width: 2, channels: 1 });
  });

  it('dropLast drops the short batch', async () => {
    const loader = new DataLoader(numberedDataset(10), {
      batchSize: 4,
      dropLast: true,
      shuffle: true,
    });
    expect(loader.batchesPerEpoch).toBe(2);
    expect(loader.imagesPerEpoch).toBe(8);
    const batches = await collect(loader.batches(0));
    expect(batches.map((b) => b.size)).toEqual([4, 4]);
  });

  it('limit keeps only the first n images', async () => {
    const loader = new DataLoader(numberedDataset(100), { batchSize: 8, limit: 20, shuffle: true });
    expect(loader.imagesPerEpoch).toBe(20);
    const seen = (await collect(loader.batches(0))).flatMap(ids).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('shuffles every image exactly once, in a new order every epoch, same for the same seed', async () => {
    const make = (seed: number) =>
      new DataLoader(numberedDataset(50), { batchSize: 7, shuffle: true, seed });
    const epoch0 = (await collect(make(1).batches(0))).flatMap(ids);
    const epoch1 = (await collect(make(1).batches(1))).flatMap(ids);
    expect([...epoch0].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epoch0).not.toEqual(epoch1);
    expect(epoch0).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect((await collect(make(1).batches(0))).flatMap(ids)).toEqual(epoch0);
    expect((await collect(make(2).batches(0))).flatMap(ids)).not.toEqual(epoch0);
  });

  it('resuming at a batch reproduces the rest of the epoch, augmentation included', async () => {
    const options = {
      batchSize: 4,
      shuffle: true,
      seed: 5,
      transform: compose(randomCrop(2, 1), randomHorizontalFlip(0.5), toTensor()),
    };
    const full = await collect(new DataLoader(numberedDataset(30), options).batches(3));
    const resumed = await collect(new DataLoader(numberedDataset(30), options).batches(3, 5));
    expect(resumed).toHaveLength(full.length - 5);
    resumed.forEach((batch, i) => {
      expect(batch.pixels).toEqual(full[i + 5]?.pixels);
      expect(batch.labels).toEqual(full[i + 5]?.labels);
    });
    // The augmentation did something, so the equality above is not trivial.
    const plain = await collect(
      new DataLoader(numberedDataset(30), { ...options, transform: toTensor() }).batches(3),
    );
    expect(full.map((b) => [...b.pixels])).not.toEqual(plain.map((b) => [...b.pixels]));
    expect(
      await collect(new DataLoader(numberedDataset(30), options).batches(3, full.length)),
    ).toEqual([]);
  });

  it('explains bad options', async () => {
    expect(() => new DataLoader(numberedDataset(5), { batchSize: 0 })).toThrow(
      'batchSize must be a positive integer, got 0',
    );
    expect(() => new DataLoader(numberedDataset(5), { batchSize: 2, limit: 6 })).toThrow(
      'limit must be an integer from 1 to the data set size 5, got 6',
    );
    const loader = new DataLoader(numberedDataset(5), { batchSize: 2 });
    await expect(collect(loader.batches(0, 4))).rejects.toThrow(
      'startBatch must be an integer from 0 to 3',
    );
    await expect(collect(loader.batches(-1))).rejects.toThrow(
      'epoch must be a non-negative integer, got -1',
    );
    const bytes = new DataLoader(numberedDataset(5), {
      batchSize: 2,
      transform: randomHorizontalFlip(),
    });
    await expect(collect(bytes.batches(0))).rejects.toThrow('end it with toTensor()');
  });
});
