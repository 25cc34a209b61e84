// Test fixtures made by code: tiny CIFAR-10 layouts with known pixels, on disk and as archives.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import { CIFAR10_CLASS_NAMES } from '../cifar10-format.js';
import { encodeCifar10Batch } from '../encode-cifar10-batch.js';

const IMAGE_BYTES = 32 * 32 * 3;

/**
 * HWC bytes that are a fixed hash of (salt, byte index): reproducible, different for every
 * file, and incompressible like real photos, so archives have a realistic size.
 */
export function syntheticImages(count: number, salt = 0): Uint8Array {
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < images.length; i++) {
    let h = Math.imul(i ^ Math.imul(salt + 1, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    images[i] = (h ^ (h >>> 13)) >>> 24;
  }
  return images;
}

export interface SyntheticLayout {
  /** Labels of each training file (data_batch_1.bin, data_batch_2.bin, …). */
  readonly train: readonly (readonly number[])[];
  readonly test: readonly number[];
}

/** File name → bytes of a small layout in the official format. */
export function syntheticCifar10Files(layout: SyntheticLayout): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  layout.train.forEach((labels, i) => {
    files.set(
      `data_batch_${i + 1}.bin`,
      encodeCifar10Batch(syntheticImages(labels.length, i + 1), labels),
    );
  });
  files.set(
    'test_batch.bin',
    encodeCifar10Batch(syntheticImages(layout.test.length, 99), layout.test),
  );
  files.set('batches.meta.txt', new TextEncoder().encode(`${CIFAR10_CLASS_NAMES.join('\n')}\n\n`));
  return files;
}

/** Writes `files` into `<root>/cifar-10-batches-bin/`. */
export async function writeCifar10Directory(
  root: string,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<string> {
  const dir = join(root, 'cifar-10-batches-bin');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
  return dir;
}

/**
 * Packs `<root>/cifar-10-batches-bin` (plus `extraEntries`, paths relative to `root`, kept
 * verbatim so tests can add `../escape` entries) into a gzipped tar at `archivePath`.
 */
export async function packCifar10Archive(
  root: string,
  archivePath: string,
  extraEntries: readonly string[] = [],
): Promise<void> {
  await create({ gzip: true, file: archivePath, cwd: root, portable: true, preservePaths: true }, [
    'cifar-10-batches-bin',
    ...extraEntries,
  ]);
}
