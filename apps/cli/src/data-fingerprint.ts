import { createHash } from 'node:crypto';
import type { Cifar10Data } from '@cnnkit/datasets';

/** What identifies a data set: the same bytes give the same run, wherever they are stored. */
export interface DataFingerprint {
  readonly trainImages: number;
  readonly testImages: number;
  /** SHA-256 of the training and test images and labels, in order. */
  readonly sha256: string;
}

/**
 * Fingerprints the data as loaded (about 0.15 s for CIFAR-10's 60,000 images). With
 * `withClassNames` (image folders, whose classes are folder names) the names count too;
 * CIFAR-10's fingerprint stays what earlier runs recorded.
 */
export function fingerprintData(
  data: Cifar10Data,
  { withClassNames = false }: { readonly withClassNames?: boolean } = {},
): DataFingerprint {
  const hash = createHash('sha256');
  if (withClassNames) hash.update(`classes ${JSON.stringify(data.train.classNames)}\n`);
  for (const set of [data.train, data.test]) {
    hash.update(`${set.count}x${set.height}x${set.width}x${set.channels}\n`);
    hash.update(set.images);
    hash.update(set.labels);
  }
  return {
    trainImages: data.train.count,
    testImages: data.test.count,
    sha256: hash.digest('hex'),
  };
}
