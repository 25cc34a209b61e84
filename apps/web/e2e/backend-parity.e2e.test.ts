import { mkdir, mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAINING_CHECK_TOLERANCE } from '@cnnkit/backends';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { CIFAR10_CLASS_NAMES } from '@cnnkit/datasets';
import { readWeightsInfo, SimpleCNN } from '@cnnkit/models';
import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { create, extract } from 'tar';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useDemoPage } from './support/demo-page.js';
import {
  backendRows,
  chartPoints,
  fillSettings,
  startTraining,
  waitForOutcome,
} from './support/page.js';

const demo = useDemoPage();
let dir: string;

/** A safetensors file's tensors as float32 arrays, by name. */
type Weights = Map<string, Float32Array>;

function weightsOf(bytes: Uint8Array, file: string): Weights {
  const { tensors } = decodeSafetensors(bytes, file);
  return new Map([...tensors].map(([name, tensor]) => [name, tensorToFloat32(tensor)]));
}

interface RunResult {
  readonly weights: Weights;
  /** The test loss the page shows, to 4 decimals. */
  readonly testLoss: number;
  readonly accuracyLine: string;
}
const runs = new Map<string, RunResult>();

/** CIFAR-10 records are 3,073 bytes: a label byte and 32×32×3 pixels. */
const RECORD_BYTES = 3073;
const TRAIN_IMAGES = 40;
const TEST_IMAGES = 20;

/**
 * The sample's first 40 training and 20 test images as a CIFAR-10 archive. SwiftShader's
 * WebGPU runs a few images a second, so the 500 test images every epoch end evaluates would
 * take minutes; with 20 the webgpu run takes seconds and still compares the same steps.
 */
async function smallArchive(): Promise<string> {
  const work = join(dir, 'archive');
  await mkdir(work);
  await extract({ file: cifar10SamplePath(), cwd: work });
  const batches = join(work, 'cifar-10-batches-bin');
  await truncate(join(batches, 'data_batch_1.bin'), TRAIN_IMAGES * RECORD_BYTES);
  await truncate(join(batches, 'test_batch.bin'), TEST_IMAGES * RECORD_BYTES);
  const file = join(dir, 'cifar-10-small.tar.gz');
  await create({ gzip: true, file, cwd: work, portable: true }, ['cifar-10-batches-bin']);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnkit-web-parity-'));
  const archive = await smallArchive();
  const { opened } = demo();
  await opened.page.setInputFiles('#archive-input', archive);
  await opened.page.waitForFunction(
    () =>
      document.getElementById('data-status')?.textContent ===
      'Data: cifar-10-small.tar.gz — 40 training and 20 test images.',
  );
  await opened.page.waitForSelector('body[data-phase="idle"]');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Switches to `backend`, trains 10 steps (40 images, batch 4, lr 0.05, seed 0), downloads the weights. */
async function trainOn(backend: string): Promise<RunResult> {
  const { page } = demo().opened;
  await page.check(`.backend-option[data-backend="${backend}"] input`);
  await page.waitForFunction(
    (name) =>
      document.getElementById('runtime-backend')?.textContent === name &&
      document.body.dataset.phase === 'idle',
    backend,
    { timeout: 60_000 },
  );
  await fillSettings(page, {
    lr: 0.05,
    momentum: 0.9,
    epochs: 1,
    batchSize: 4,
    seed: 0,
    limit: '',
  });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, `${backend}: ${status}`).toBe('completed');
  expect(status).toMatch(
    /^Finished 1 epoch \(10 steps\): test accuracy \d+\.\d %; \d+ images\/s on average\.$/,
  );
  expect(await chartPoints(page, 'chart-loss')).toBe(10);
  expect(await chartPoints(page, 'chart-accuracy')).toBe(1);
  const accuracyLine = (await page.textContent('#test-accuracy')) ?? '';
  expect(accuracyLine).toMatch(
    /^Epoch 1 of 1: test accuracy \d+\.\d % \(\d+ \/ 20 images\), loss \d\.\d{4}$/,
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-weights'),
  ]);
  const file = join(dir, `${backend}.safetensors`);
  await download.saveAs(file);
  const bytes = new Uint8Array(await readFile(file));
  // The download says what it is, as `cnnkit train`'s files do.
  expect(readWeightsInfo(decodeSafetensors(bytes, file).metadata, file)).toEqual({
    model: 'simple-cnn',
    modelOptions: { numClasses: 10, imageSize: 32 },
    classNames: CIFAR10_CLASS_NAMES,
    inputShape: [32, 32, 3],
    normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    resize: 'squash',
  });
  const weights = weightsOf(bytes, file);
  return { weights, testLoss: Number(/loss (\d\.\d{4})$/.exec(accuracyLine)?.[1]), accuracyLine };
}

/** The largest difference of any weight from the reference's, relative to that tensor's largest magnitude. */
function largestRelativeDifference(result: Weights, reference: Weights): number {
  let worst = 0;
  for (const [name, expected] of reference) {
    const actual = result.get(name);
    expect(actual?.length, name).toBe(expected.length);
    const scale = Math.max(...expected.map(Math.abs));
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(
        worst,
        Math.abs((actual?.[i] ?? Number.NaN) - (expected[i] as number)) / scale,
      );
    }
  }
  return worst;
}

test('cpu: the reference run, which moves the weights far more than the tolerance', async () => {
  const cpu = await trainOn('cpu');
  runs.set('cpu', cpu);
  // The weights a run starts from: SimpleCNN with the run's seed, made here in Node.
  await tf.setBackend('cpu');
  const initial = SimpleCNN.create({ seed: 0 });
  const moved = largestRelativeDifference(weightsOf(initial.saveWeights(), 'initial'), cpu.weights);
  initial.dispose();
  console.log(
    `cpu: ${cpu.accuracyLine}; largest relative weight change in 10 steps: ${moved.toExponential(2)}`,
  );
  // Otherwise a backend that did not train at all would pass the comparisons below.
  expect(moved).toBeGreaterThan(10 * TRAINING_CHECK_TOLERANCE);
});

// webgpu runs on SwiftShader's software adapter here (chromium.mjs: --enable-unsafe-webgpu
// --use-webgpu-adapter=swiftshader), webgl on SwiftShader's GL; wasm on cnnkit's SIMD kernels.
test.each(['webgpu', 'webgl', 'wasm'])(
  '%s trains to the weights cpu trains to, within the training check tolerance',
  async (backend) => {
    const rows = await backendRows(demo().opened.page);
    expect(rows[backend]?.state, `${backend}: ${rows[backend]?.detail}`).toBe('ok');
    const result = await trainOn(backend);
    runs.set(backend, result);
    const reference = runs.get('cpu');
    if (!reference) throw new Error('the cpu run did not finish');
    const difference = largestRelativeDifference(result.weights, reference.weights);
    console.log(
      `${backend}: ${result.accuracyLine}; largest relative weight difference from cpu after 10 steps: ${difference.toExponential(2)}`,
    );
    expect(difference).toBeLessThan(TRAINING_CHECK_TOLERANCE);
    expect(Math.abs(result.testLoss - reference.testLoss)).toBeLessThanOrEqual(2e-4);
    expect(demo().opened.errors).toEqual([]);
  },
);

test('wasm trains to the same bits on all threads as on auto, which chose 1 thread for batch 4', async () => {
  const { page } = demo().opened;
  const auto = runs.get('wasm');
  if (!auto) throw new Error('the wasm run did not finish');
  const wasmDetail = () =>
    page.textContent('.backend-option[data-backend="wasm"] .backend-detail') as Promise<string>;
  // 'auto' (the default) trains batches below 16 on 1 thread, as `cnnkit train` does.
  expect(await page.inputValue('#thread-count')).toBe('auto');
  expect(await wasmDetail()).toMatch(/, 1 thread$/);
  const choices = await page.$$eval('#thread-count option', (options) =>
    options.map((o) => (o as HTMLOptionElement).value),
  );
  // CI's machines have 2 logical cores; the page offers auto, then 1 up to them.
  expect(choices.slice(0, 2)).toEqual(['auto', '1']);
  const most = Number(choices.at(-1));
  expect(most).toBeGreaterThanOrEqual(2);
  await page.selectOption('#thread-count', String(most));
  await page.waitForFunction(
    (threads) =>
      document.body.dataset.phase === 'idle' &&
      document
        .querySelector('.backend-option[data-backend="wasm"] .backend-detail')
        ?.textContent?.endsWith(`, ${threads} threads`),
    most,
  );
  const allThreads = await trainOn('wasm');
  expect(await wasmDetail()).toMatch(new RegExp(`, ${most} threads$`));
  for (const [name, expected] of auto.weights) {
    expect(allThreads.weights.get(name), name).toEqual(expected);
  }
  expect(allThreads.accuracyLine).toBe(auto.accuracyLine);
  await page.selectOption('#thread-count', 'auto');
  expect(demo().opened.errors).toEqual([]);
});
