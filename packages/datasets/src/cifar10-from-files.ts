import {
  CIFAR10_CHANNELS,
  CIFAR10_HEIGHT,
  CIFAR10_META_FILE,
  CIFAR10_RECORDS_PER_FILE,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILE_COUNT,
  CIFAR10_WIDTH,
  cifar10TrainFileName,
} from './cifar10-format.js';
import { type DecodedCifar10Batch, decodeCifar10Batch } from './decode-cifar10-batch.js';
import { parseClassNames } from './parse-class-names.js';
import type { Cifar10Data, ImageDataset } from './types.js';

/**
 * Builds {@link Cifar10Data} from the files of the official binary layout, keyed by file name
 * (`data_batch_1.bin`, `test_batch.bin`, `batches.meta.txt`, …). `source` (a directory or
 * archive path) is quoted in errors.
 *
 * Which training files are required: the training split is `data_batch_1.bin …
 * data_batch_k.bin` with no gaps, k ≥ 1, so a smaller sample in the same layout is valid.
 * When `test_batch.bin` holds 10,000 records (the full data set), all five training files
 * are required, so a partly extracted full archive is never mistaken for a sample.
 *
 * @example
 * ```ts
 * const files = new Map([
 *   ['data_batch_1.bin', encodeCifar10Batch(new Uint8Array(32 * 32 * 3), [1])],
 *   ['test_batch.bin', encodeCifar10Batch(new Uint8Array(32 * 32 * 3), [2])],
 *   ['batches.meta.txt', new TextEncoder().encode(CIFAR10_CLASS_NAMES.join('\n'))],
 * ]);
 * const { train, test } = cifar10FromFiles(files, 'my-dir');
 * // train.count === 1, test.count === 1, train.classNames[1] === 'automobile'
 * ```
 */
export function cifar10FromFiles(
  files: ReadonlyMap<string, Uint8Array>,
  source: string,
): Cifar10Data {
  const test = files.get(CIFAR10_TEST_FILE);
  const meta = files.get(CIFAR10_META_FILE);
  const testBatch =
    test === undefined ? undefined : decodeCifar10Batch(test, fileIn(source, CIFAR10_TEST_FILE));
  const isFullDataSet = testBatch?.count === CIFAR10_RECORDS_PER_FILE;

  const missing: string[] = [];
  if (test === undefined) missing.push(CIFAR10_TEST_FILE);
  if (meta === undefined) missing.push(CIFAR10_META_FILE);
  let trainFileCount = 0;
  while (files.has(cifar10TrainFileName(trainFileCount + 1))) trainFileCount++;
  // A later file without its predecessor (1, 2, 4) means a gap: report the first missing one.
  const hasLaterTrainFile = [...files.keys()].some((name) => {
    const match = /^data_batch_(\d+)\.bin$/.exec(name);
    return match !== null && Number(match[1]) > trainFileCount;
  });
  const requiredTrainFiles = isFullDataSet
    ? CIFAR10_TRAIN_FILE_COUNT
    : Math.max(1, trainFileCount + (hasLaterTrainFile ? 1 : 0));
  for (let n = 1; n <= requiredTrainFiles; n++) {
    if (!files.has(cifar10TrainFileName(n))) missing.push(cifar10TrainFileName(n));
  }
  if (missing.length > 0) {
    throw new Error(
      `${source}: missing CIFAR-10 file(s) ${missing.join(', ')}. Expected the official binary layout (cifar-10-batches-bin/ with data_batch_1.bin … data_batch_5.bin, test_batch.bin, batches.meta.txt; a sample may have fewer training files, numbered from 1). Re-extract or re-download the data.`,
    );
  }
  const classNames = parseClassNames(meta as Uint8Array, fileIn(source, CIFAR10_META_FILE));
  const trainBatches: DecodedCifar10Batch[] = [];
  for (let n = 1; n <= trainFileCount; n++) {
    const name = cifar10TrainFileName(n);
    trainBatches.push(decodeCifar10Batch(files.get(name) as Uint8Array, fileIn(source, name)));
  }
  return {
    train: toDataset(trainBatches, classNames),
    test: toDataset([testBatch as DecodedCifar10Batch], classNames),
  };
}

function fileIn(source: string, name: string): string {
  return `${source.replace(/[\\/]+$/, '')}/${name}`;
}

function toDataset(
  batches: readonly DecodedCifar10Batch[],
  classNames: readonly string[],
): ImageDataset {
  const count = batches.reduce((sum, b) => sum + b.count, 0);
  const images = new Uint8Array(count * CIFAR10_HEIGHT * CIFAR10_WIDTH * CIFAR10_CHANNELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const batch of batches) {
    images.set(batch.images, offset * CIFAR10_HEIGHT * CIFAR10_WIDTH * CIFAR10_CHANNELS);
    labels.set(batch.labels, offset);
    offset += batch.count;
  }
  return {
    images,
    labels,
    count,
    height: CIFAR10_HEIGHT,
    width: CIFAR10_WIDTH,
    channels: CIFAR10_CHANNELS,
    classNames,
  };
}
