// The heavy hostile inputs of the issue, complete and as one gzip stream each (minutes to
// build): a 2 GB archive of zero records, a bomb that unpacks to 20 GB, the sample with an
// extra 10 GiB entry, a 20000×20000 PNG at gzip's best ratio. And the real archive, to show
// the bounds leave the full data set readable. Run by `pnpm test:slow`.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  writeGzip,
} from './hostile-input-files.js';
import {
  errorLines,
  type MeasuredRun,
  PEAK_RSS_LIMIT_BYTES,
  runCnnkit,
} from './measured-cli-run.js';

let work: string;
let weights: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-slow-'));
  await tf.setBackend('cpu');
  const model = SimpleCNN.create({ seed: 0 });
  weights = join(work, 'simple-cnn.safetensors');
  await writeFile(weights, model.saveWeights());
  model.dispose();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function expectRefused(run: MeasuredRun, message: string): void {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(errorLines(run)).toEqual([`cnnkit: ${message}`]);
  expect(run.code).toBe(1);
  expect(run.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT_BYTES);
}

const evalOn = (data: string) => runCnnkit(['eval', '--weights', weights, '--data', data]);

describe('complete multi-GB hostile archives given to `cnnkit eval`', () => {
  it('a .tar.gz of a few MB holding 2 GB of zero records', async () => {
    const size = 650_000 * 3073;
    const archive = join(work, 'zero-records.tar.gz');
    await writeGzip(
      archive,
      [
        tarHeader('cifar-10-batches-bin/test_batch.bin', size),
        size,
        new Uint8Array(tarPadding(size)),
        TAR_END,
      ],
      9,
    );
    expect((await stat(archive)).size).toBeLessThan(5_000_000);
    expectRefused(
      await evalOn(archive),
      `${archive}: archive entry "cifar-10-batches-bin/test_batch.bin" is 1,997,450,000 bytes, more than a CIFAR-10 test_batch.bin holds (at most 30,730,000 bytes (10,000 records of 3,073 bytes)); refused before reading it.`,
    );
  });

  it('a gzip bomb that unpacks to 20 GB', async () => {
    const bomb = join(work, 'bomb.tar.gz');
    await writeGzip(bomb, [20_000_000_000]);
    expectRefused(
      await evalOn(bomb),
      // Zeros read as a tar are its end: no CIFAR-10 entry, no class folder, nothing inflated past that.
      `${bomb} has no class folders: put each class's images in a folder named after the class (${bomb}/<class>/<image>).`,
    );
  });

  it('the sample with an extra, complete entry of 10 GiB', async () => {
    const archive = join(work, 'extra.tar.gz');
    const extra = 10 * 1024 ** 3;
    await writeGzip(archive, [
      await sampleTarEntries(),
      tarHeader('extra.bin', extra),
      extra,
      TAR_END,
    ]);
    expectRefused(
      await evalOn(archive),
      `${archive}: archive entry "extra.bin" claims 10,737,418,240 bytes, more than a whole CIFAR-10 archive holds (200,000,000 bytes); refused before reading it. It is not a CIFAR-10 archive.`,
    );
  });
});

describe('a complete 20000×20000 PNG at its smallest', () => {
  it('is refused by `cnnkit predict` from its header', async () => {
    const png = join(work, 'huge.png');
    await writeBlackPng(png, 20_000, 20_000, { level: 9 });
    expect((await stat(png)).size).toBeLessThan(2_000_000);
    expectRefused(
      await runCnnkit(['predict', png, '--weights', weights]),
      `${png}: 20,000 × 20,000 pixels (400 megapixels) is more than predict decodes (at most 25 megapixels); shrink the image first.`,
    );
  });
});

// The shared full data set sits next to the repository: <repo>/../shared/data/.
const realArchive = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'cifar-10-binary.tar.gz',
);

describe.skipIf(!existsSync(realArchive))('the real archive', () => {
  it('still evaluates within the memory bound', async () => {
    const run = await runCnnkit(['eval', '--weights', weights, '--data', realArchive, '--json'], {
      timeoutMs: 600_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ testImages: 10_000 });
    expect(run.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT_BYTES);
  });
});
