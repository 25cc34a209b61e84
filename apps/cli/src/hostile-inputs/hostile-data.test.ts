// Hostile data, weights and images given to the built CLI, as an adversarial user would: each
// must end at once with exit code 1, one line naming the file and the limit, and a peak RSS far
// below the 1.5 GB bound (before the fix these took 4–9.5 GB or hung). Heavier inputs
// (complete multi-GB archives and bombs) are in hostile-data.slow.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimpleCNN } from '@cnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sampleTarEntries,
  TAR_END,
  tarHeader,
  tarPadding,
  writeBlackPng,
  writeGzipMembers,
} from './hostile-input-files.js';
import {
  errorLines,
  type MeasuredRun,
  PEAK_RSS_LIMIT_BYTES,
  runCnnkit,
} from './measured-cli-run.js';

let work: string;
let weights: string;
const posix = process.platform !== 'win32';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-data-'));
  await tf.setBackend('cpu');
  const model = SimpleCNN.create({ seed: 0 });
  weights = join(work, 'simple-cnn.safetensors');
  await writeFile(weights, model.saveWeights());
  model.dispose();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Exit code 1, exactly `message` as the one error line, memory bounded. */
function expectRefused(run: MeasuredRun, message: string): void {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(errorLines(run)).toEqual([`cnnkit: ${message}`]);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT_BYTES);
}

/**
 * `cnnkit …args` on the cpu backend: every refusal here happens while reading, whatever the
 * backend, and cpu starts in half the time of the default (the slow tests use the default).
 */
const cnnkit = (args: string[]) => runCnnkit([...args, '--backend', 'cpu']);
const evalOn = (data: string) => cnnkit(['eval', '--weights', weights, '--data', data]);

describe('hostile data given to `cnnkit eval --data`', () => {
  it('a .tar.gz holding a test_batch.bin of 2 GB of zero records', async () => {
    const size = 650_000 * 3073;
    const archive = join(work, 'zero-records.tar.gz');
    await writeGzipMembers(archive, [
      tarHeader('cifar-10-batches-bin/test_batch.bin', size),
      size,
      new Uint8Array(tarPadding(size)),
      TAR_END,
    ]);
    expectRefused(
      await evalOn(archive),
      `${archive}: archive entry "cifar-10-batches-bin/test_batch.bin" is 1,997,450,000 bytes, more than a CIFAR-10 test_batch.bin holds (at most 30,730,000 bytes (10,000 records of 3,073 bytes)); refused before reading it.`,
    );
  });

  it('a gzip bomb that unpacks to 4 GiB of zeros', async () => {
    const bomb = join(work, 'bomb.tar.gz');
    await writeGzipMembers(bomb, [4 * 1024 ** 3]);
    expectRefused(
      await evalOn(bomb),
      // Zeros read as a tar are its end: no CIFAR-10 entry, no class folder, nothing inflated past that.
      `${bomb} has no class folders: put each class's images in a folder named after the class (${bomb}/<class>/<image>).`,
    );
  });

  it('the sample with an extra entry of 10 GiB', async () => {
    const archive = join(work, 'extra.tar.gz');
    // The entry's header claims 10 GiB; the slow test writes all of them.
    await writeGzipMembers(archive, [
      await sampleTarEntries(),
      tarHeader('extra.bin', 10 * 1024 ** 3),
      64 * 1024 ** 2,
    ]);
    expectRefused(
      await evalOn(archive),
      `${archive}: archive entry "extra.bin" claims 10,737,418,240 bytes, more than a whole CIFAR-10 archive holds (200,000,000 bytes); refused before reading it. It is not a CIFAR-10 archive.`,
    );
  });

  it('a 9 GB sparse file', async () => {
    const sparse = join(work, 'sparse.tar.gz');
    await writeFile(sparse, '');
    await truncate(sparse, 9_000_000_000);
    expectRefused(
      await evalOn(sparse),
      `${sparse}: not a .zip, .tar or .tar.gz archive (nor a folder); give a folder of class folders or an archive of one.`,
    );
  });

  it.skipIf(!posix)(
    '/dev/zero, a data directory whose test_batch.bin links to it, a FIFO',
    async () => {
      expectRefused(
        await evalOn('/dev/zero'),
        '/dev/zero: not a regular file (a character device); only regular files are read.',
      );
      const dir = join(work, 'zero-link', 'cifar-10-batches-bin');
      await mkdir(dir, { recursive: true });
      await symlink('/dev/zero', join(dir, 'test_batch.bin'));
      expectRefused(
        await evalOn(dir),
        `${join(dir, 'test_batch.bin')}: not a regular file (a character device); only regular files are read.`,
      );
      const fifo = join(work, 'cifar.tar.gz');
      execFileSync('mkfifo', [fifo]);
      expectRefused(
        await evalOn(fifo),
        `${fifo}: not a regular file (a FIFO); only regular files are read.`,
      );
      expect(await readdir(dir)).toEqual(['test_batch.bin']); // nothing written beside the data
    },
  );
});

describe('hostile weights given to `--weights`', () => {
  it.skipIf(!posix || !existsSync('/dev/zero'))('/dev/zero and a FIFO', async () => {
    const run = (file: string) => cnnkit(['eval', '--weights', file, '--data', 'sample']);
    expectRefused(
      await run('/dev/zero'),
      '/dev/zero: not a regular file (a character device); only regular files are read.',
    );
    const fifo = join(work, 'weights.safetensors');
    execFileSync('mkfifo', [fifo]);
    expectRefused(
      await run(fifo),
      `${fifo}: not a regular file (a FIFO); only regular files are read.`,
    );
  });

  it('a 9 GB sparse file', async () => {
    const sparse = join(work, 'huge.safetensors');
    await writeFile(sparse, '');
    await truncate(sparse, 9_000_000_000);
    expectRefused(
      await cnnkit(['eval', '--weights', sparse, '--data', 'sample']),
      `${sparse}: 9,000,000,000 bytes, more than a weights file may be (at most 268,435,456 bytes; SimpleCNN's is 248 KB). Check the --weights path.`,
    );
  });
});

describe('hostile images given to `cnnkit predict`', () => {
  it('a complete 20000×20000 PNG: refused from its header, before decoding', async () => {
    const png = join(work, 'huge.png');
    await writeBlackPng(png, 20_000, 20_000);
    expectRefused(
      await cnnkit(['predict', png, '--weights', weights]),
      `${png}: 20,000 × 20,000 pixels (400 megapixels) is more than predict decodes (at most 25 megapixels); shrink the image first.`,
    );
  });

  it('an interlaced 100×100 PNG whose image data unpacks to 1 GiB', async () => {
    const png = join(work, 'bomb.png');
    await writeBlackPng(png, 100, 100, { interlacedDataBytes: 1024 ** 3 });
    expectRefused(
      await cnnkit(['predict', png, '--weights', weights]),
      `${png}: cannot decode the image (its interlaced image data unpacks to more than the 30,188 bytes a 100×100 image holds).`,
    );
  });

  it.skipIf(!posix || !existsSync('/dev/zero'))('/dev/zero as an image', async () => {
    expectRefused(
      await cnnkit(['predict', '/dev/zero', '--weights', weights]),
      '/dev/zero: not a regular file (a character device); only regular files are read.',
    );
  });
});
