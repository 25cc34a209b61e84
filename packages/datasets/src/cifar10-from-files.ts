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
import { cifar10RecordCount, decodeCifar10BatchInto } from './decode-cifar10-batch.js';
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
 */
export function cifar10FromFiles(
  files: ReadonlyMap<string, Uint8Array>,
  source: string,
): Cifar10Data {
  const test = files.get(CIFAR10_TEST_FILE);
  const meta = files.get(CIFAR10_META_FILE);
  const testCount =
    test === undefined ? 0 : cifar10RecordCount(test.length, fileIn(source, CIFAR10_TEST_FILE));
  const isFullDataSet = testCount === CIFAR10_RECORDS_PER_FILE;

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
  const trainFiles = Array.from({ length: trainFileCount }, (_, i) => cifar10TrainFileName(i + 1));
  return {
    train: toDataset(trainFiles, files, source, classNames),
    test: toDataset([CIFAR10_TEST_FILE], files, source, classNames),
  };
}

function fileIn(source: string, name: string): string {
  return `${source.replace(/[\\/]+$/, '')}/${name}`;
}

/** Decodes the files `names` (in order) straight into one split's arrays. */
function toDataset(
  names: readonly string[],
  files: ReadonlyMap<string, Uint8Array>,
  source: string,
  classNames: readonly string[],
): ImageDataset {
  const counts = names.map((name) =>
    cifar10RecordCount((files.get(name) as Uint8Array).length, fileIn(source, name)),
  );
  const count = counts.reduce((sum, n) => sum + n, 0);
  const images = new Uint8Array(count * CIFAR10_HEIGHT * CIFAR10_WIDTH * CIFAR10_CHANNELS);
  const labels = new Uint8Array(count);
  let first = 0;
  names.forEach((name, i) => {
    decodeCifar10BatchInto(
      files.get(name) as Uint8Array,
      fileIn(source, name),
      images,
      labels,
      first,
    );
    first += counts[i] as number;
  });
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
