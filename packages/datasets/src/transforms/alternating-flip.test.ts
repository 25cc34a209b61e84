import { Rng } from '@cnnkit/random';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../data-loader.js';
import type { ImageDataset } from '../types.js';
import { alternatingFlip } from './alternating-flip.js';
import { compose } from './compose.js';
import { toTensor } from './to-tensor.js';

/** 64 images of 1×2 pixels, one channel: [index, 255 − index] (mirrored: reversed). */
const count = 64;
const dataset: ImageDataset = {
  images: Uint8Array.from({ length: count * 2 }, (_, i) =>
    i % 2 === 0 ? i / 2 : 255 - (i - 1) / 2,
  ),
  labels: new Uint8Array(count),
  count,
  height: 1,
  width: 2,
  channels: 1,
  classNames: ['only'],
};

/** Which images (by index) an epoch shows mirrored. */
async function mirroredIn(loader: DataLoader, epoch: number): Promise<Set<number>> {
  const mirrored = new Set<number>();
  for await (const batch of loader.batches(epoch)) {
    for (let n = 0; n < batch.size; n++) {
      // toTensor scaled the bytes to [0, 1].
      const [left, right] = [2 * n, 2 * n + 1].map((i) =>
        Math.round(255 * (batch.pixels[i] as number)),
      ) as [number, number];
      if (left > right) mirrored.add(255 - left);
    }
  }
  return mirrored;
}

const loader = (batchSize: number, seed = 5) =>
  new DataLoader(dataset, {
    batchSize,
    shuffle: true,
    seed,
    transform: compose(alternatingFlip(), toTensor()),
  });

describe('alternatingFlip', () => {
  it('mirrors a random half once, then every image the other way in odd epochs', async () => {
    const even = await mirroredIn(loader(8), 0);
    expect(even.size).toBeGreaterThan(16); // a fair coin per image: 32 expected
    expect(even.size).toBeLessThan(48);
    const odd = await mirroredIn(loader(8), 1);
    for (let i = 0; i < count; i++) expect(odd.has(i)).toBe(!even.has(i));
    expect(await mirroredIn(loader(8), 2)).toEqual(even);
    expect(await mirroredIn(loader(8), 3)).toEqual(odd);
  });

  it('decides per image, whatever the batch size and order; the seed decides which', async () => {
    expect(await mirroredIn(loader(64), 0)).toEqual(await mirroredIn(loader(7), 0));
    expect(await mirroredIn(loader(8, 6), 0)).not.toEqual(await mirroredIn(loader(8, 5), 0));
  });

  it('needs the loader context', () => {
    const batch = {
      pixels: new Uint8Array(2),
      labels: new Int32Array(1),
      size: 1,
      height: 1,
      width: 2,
      channels: 1,
    };
    expect(() => alternatingFlip()(batch, new Rng(0))).toThrow(/use it in a DataLoader pipeline/);
  });
});
