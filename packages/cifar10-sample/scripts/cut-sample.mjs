#!/usr/bin/env node
// Cuts data/cifar-10-sample.tar.gz from the full CIFAR-10 binary archive: the first 200
// training and the first 50 test images of each class, in file order, written in the
// official binary layout (cifar-10-batches-bin/data_batch_1.bin, test_batch.bin,
// batches.meta.txt). Deterministic: the same source gives the same bytes.
//
// Usage (after `pnpm --filter @cnnkit/datasets build`):
//   node scripts/cut-sample.mjs [source.tar.gz] [output.tar.gz]
// Defaults: <repo>/../shared/data/cifar-10-binary.tar.gz → data/cifar-10-sample.tar.gz
import { createHash } from 'node:crypto';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCifar10Batch } from '@cnnkit/datasets';
import { readCifar10Archive } from '@cnnkit/datasets/node';
import { create } from 'tar';

const TRAIN_PER_CLASS = 200;
const TEST_PER_CLASS = 50;
const MAX_BYTES = 8 * 1024 * 1024;

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '..', '..');
const source = resolve(
  process.argv[2] || join(repoRoot, '..', 'shared', 'data', 'cifar-10-binary.tar.gz'),
);
const output = resolve(process.argv[3] || join(packageDir, 'data', 'cifar-10-sample.tar.gz'));

/**
 * The first `perClass` images of each class, keeping their order in the file.
 *
 * @param {import('@cnnkit/datasets').ImageDataset} dataset
 * @param {number} perClass
 */
function firstPerClass(dataset, perClass) {
  const imageBytes = dataset.height * dataset.width * dataset.channels;
  const taken = new Array(dataset.classNames.length).fill(0);
  /** @type {number[]} */
  const picked = [];
  /** @type {number[]} */
  const pickedLabels = [];
  dataset.labels.forEach((label, i) => {
    if (taken[label] < perClass) {
      taken[label]++;
      picked.push(i);
      pickedLabels.push(label);
    }
  });
  const short = taken.findIndex((n) => n < perClass);
  if (short !== -1) {
    throw new Error(`${source}: class ${short} has only ${taken[short]} images, need ${perClass}.`);
  }
  const images = new Uint8Array(picked.length * imageBytes);
  picked.forEach((index, n) => {
    images.set(
      dataset.images.subarray(index * imageBytes, (index + 1) * imageBytes),
      n * imageBytes,
    );
  });
  return encodeCifar10Batch(images, pickedLabels);
}

/** @param {Uint8Array} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

console.log(`Reading ${source}`);
const sourceSha256 = sha256(await readFile(source));
const { train, test } = await readCifar10Archive(source);

const work = await mkdtemp(join(tmpdir(), 'cifar10-sample-'));
try {
  const dir = join(work, 'cifar-10-batches-bin');
  await mkdir(dir);
  const files = {
    'batches.meta.txt': new TextEncoder().encode(`${train.classNames.join('\n')}\n\n`),
    'data_batch_1.bin': firstPerClass(train, TRAIN_PER_CLASS),
    'test_batch.bin': firstPerClass(test, TEST_PER_CLASS),
  };
  // Fixed modes and times so the archive bytes depend only on the data.
  const epoch = new Date(0);
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(dir, name), bytes);
    await chmod(join(dir, name), 0o644);
    await utimes(join(dir, name), epoch, epoch);
  }
  await mkdir(dirname(output), { recursive: true });
  const partial = `${output}.partial`;
  await create(
    { gzip: { level: 9 }, file: partial, cwd: work, portable: true, mtime: epoch },
    Object.keys(files).map((name) => `cifar-10-batches-bin/${name}`),
  );
  const { size } = await stat(partial);
  if (size > MAX_BYTES) {
    await rm(partial);
    throw new Error(`The sample is ${size} bytes, over the ${MAX_BYTES}-byte budget.`);
  }
  await rename(partial, output);
  console.log(`Wrote ${output}`);
  console.log(`  ${size} bytes, SHA-256 ${sha256(await readFile(output))}`);
  console.log(`  source SHA-256 ${sourceSha256}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
