import type { BatchSource, ImageBatch } from '@cnnkit/contracts';
import type { DataLoader } from '@cnnkit/datasets';

/**
 * A one-epoch {@link BatchSource} of `count` consecutive batches of `loader`, starting at
 * the run's batch `first` and wrapping into the loader's next epochs when its data runs out.
 * The benchmark hands `train` one of these per timed run, so that the runs continue where
 * the previous one stopped, through the same images as the PyTorch reference: with an
 * unshuffled, drop-last loader, global batch k holds images [(k mod n)·b, (k mod n)·b + b).
 *
 * @example
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 4, dropLast: true, transform: tutorialTransform() });
 * await trainOnce(cyclicBatches(loader, 100, 50)); // batches 100–149 of the endless sequence
 * ```
 */
export function cyclicBatches(
  loader: Pick<DataLoader, 'batchesPerEpoch' | 'imagesPerEpoch' | 'batches'>,
  first: number,
  count: number,
): BatchSource {
  const perEpoch = loader.batchesPerEpoch;
  if (perEpoch < 1 || !Number.isInteger(loader.imagesPerEpoch / perEpoch)) {
    throw new RangeError(
      'cyclicBatches needs a drop-last loader with at least one full batch; use a smaller batch size.',
    );
  }
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(count) || count < 0) {
    throw new RangeError(
      `cyclicBatches: first and count must be whole numbers >= 0, got ${first} and ${count}.`,
    );
  }
  // Exact because the loader drops its last partial batch: every batch is full.
  const batchSize = loader.imagesPerEpoch / perEpoch;
  return {
    batchesPerEpoch: count,
    imagesPerEpoch: count * batchSize,
    async *batches(epoch: number, startBatch = 0): AsyncIterable<ImageBatch> {
      if (epoch !== 0) {
        throw new RangeError(`cyclicBatches is a single epoch (0); asked for epoch ${epoch}.`);
      }
      let next = first + startBatch;
      const end = first + count;
      while (next < end) {
        for await (const batch of loader.batches(Math.floor(next / perEpoch), next % perEpoch)) {
          yield batch;
          next++;
          if (next >= end || next % perEpoch === 0) break;
        }
      }
    },
  };
}
