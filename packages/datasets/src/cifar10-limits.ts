import {
  CIFAR10_META_FILE,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
} from './cifar10-format.js';
import { formatCount } from './format-count.js';

// Every reader checks these before it allocates, so a hostile input (a gzip bomb, a link to
// /dev/zero, a sparse file of many GB) fails with an error naming the limit instead of filling
// the memory.

/** A batch file holds at most 10,000 records: 30,730,000 bytes. */
export const CIFAR10_MAX_BATCH_BYTES = CIFAR10_RECORDS_PER_FILE * CIFAR10_RECORD_BYTES;

/** `batches.meta.txt` is 61 bytes in the official archive: ten short names. */
export const CIFAR10_MAX_META_BYTES = 64 * 1024;

/**
 * An archive's tar stream, headers and other entries included, is at most this long: the six
 * batch files at their limit make 184,380,000 bytes (the official archive's tar is about
 * 184.4 MB), which leaves room for directories, headers and a few small extra files.
 */
export const CIFAR10_MAX_TAR_BYTES = 200_000_000;

/** The most bytes the CIFAR-10 file `name` may hold. */
export function cifar10FileLimit(name: string): number {
  return name === CIFAR10_META_FILE ? CIFAR10_MAX_META_BYTES : CIFAR10_MAX_BATCH_BYTES;
}

/** `cifar10FileLimit(name)` with its reason, for error messages. */
export function describeCifar10FileLimit(name: string): string {
  return name === CIFAR10_META_FILE
    ? `${formatCount(CIFAR10_MAX_META_BYTES)} bytes (ten class names)`
    : `${formatCount(CIFAR10_MAX_BATCH_BYTES)} bytes (${formatCount(CIFAR10_RECORDS_PER_FILE)} records of ${formatCount(CIFAR10_RECORD_BYTES)} bytes)`;
}
