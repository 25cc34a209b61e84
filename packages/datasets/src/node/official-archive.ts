/** The official CIFAR-10 binary archive (Alex Krizhevsky's page). */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_ARCHIVE_BYTES = 170_052_171;
/** Sizes of the files in the official archive: six batches of 10,000 records, 61 bytes of names. */
export const CIFAR10_OFFICIAL_FILE_BYTES: Readonly<Record<string, number>> = {
  'data_batch_1.bin': 30_730_000,
  'data_batch_2.bin': 30_730_000,
  'data_batch_3.bin': 30_730_000,
  'data_batch_4.bin': 30_730_000,
  'data_batch_5.bin': 30_730_000,
  'test_batch.bin': 30_730_000,
  'batches.meta.txt': 61,
};
