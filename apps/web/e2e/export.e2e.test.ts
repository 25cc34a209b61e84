import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { openCifar10 } from '@cnnkit/datasets/node';
import {
  AirbenchNet,
  createModel,
  exportOnnx,
  readWeightsInfo,
  SimpleCNN,
  weightsFromOnnx,
} from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { useDemoPage } from './support/demo-page.js';
import { fillSettings, startTraining, waitForOutcome } from './support/page.js';
import { APP_DIR } from './support/preview-server.js';

/** The bound for exported logits against cnnkit's. */
const TOLERANCE = 1e-4;
/** The inspect panel's test images (worker/inspection.ts). */
const SHOWN = 24;
const SIDE = 32;
const IMAGE = SIDE * SIDE * 3;

/**
 * A page on an origin of its own whose every file the test serves from memory or from
 * node_modules, so nothing goes to the network: onnxruntime-web's dist (`/ort/`), TF.js's
 * browser bundles (`/tfjs/`) and the downloaded model files (`/model/`).
 */
const CHECK_ORIGIN = 'http://export-check.test';
const ORT_DIST = join(APP_DIR, 'node_modules/onnxruntime-web/dist');
const TFJS_SCRIPTS: Readonly<Record<string, string>> = {
  'tf-core.min.js': 'node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js',
  'tf-backend-cpu.min.js': 'node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
  'tf-converter.min.js': 'node_modules/@tensorflow/tfjs-converter/dist/tf-converter.min.js',
};
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const demo = useDemoPage({ allChecked: false });
/** The downloaded files the check page fetches under /model/, by path. */
const modelFiles = new Map<string, Uint8Array>();
/** The first {@link SHOWN} test images of the sample, normalised like the trainer, NHWC. */
let nhwc: Float32Array;
let classNames: readonly string[];
/** The top-3 class names the demo shows for each of its test images. */
let demoTop3: string[][];
/** The trained model's logits on those images, from its downloaded weights (cnnkit, wasm). */
let cnnkitLogits: Float32Array;

async function download(page: Page, button: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const path = await saved.path();
  return { name: saved.suggestedFilename(), bytes: new Uint8Array(await readFile(path)) };
}

async function openCheckPage(): Promise<Page> {
  const page = await demo().browser.context.newPage();
  await page.route(`${CHECK_ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const [, dir = '', ...rest] = path.split('/');
    const name = rest.join('/');
    let body: Buffer | Uint8Array | undefined;
    if (path === '/') body = Buffer.from('<!doctype html><title>export check</title>');
    else if (dir === 'model') body = modelFiles.get(name);
    else if (dir === 'tfjs' && TFJS_SCRIPTS[name])
      body = await readFile(join(APP_DIR, TFJS_SCRIPTS[name]));
    else if (dir === 'ort' && /^[\w.-]+$/.test(name))
      body = await readFile(join(ORT_DIST, name)).catch(() => undefined);
    if (body === undefined) {
      await route.fulfill({ status: 404, body: `not served: ${path}` });
      return;
    }
    await route.fulfill({
      status: 200,
      contentType:
        path === '/' ? 'text/html' : (CONTENT_TYPES[extname(path)] ?? 'application/octet-stream'),
      body: Buffer.from(body),
    });
  });
  await page.goto(`${CHECK_ORIGIN}/`);
  return page;
}

/**
 * Runs `model` (a file under /model/) in onnxruntime-web's wasm build, single-threaded, in the
 * check page, on `nchw` (served as a file too: a million numbers do not belong in a message).
 */
async function onnxWebLogits(
  model: string,
  nchw: Float32Array,
  count: number,
): Promise<{ inputNames: string[]; outputNames: string[]; logits: number[] }> {
  const input = `${model}.input.bin`;
  modelFiles.set(input, new Uint8Array(nchw.buffer, nchw.byteOffset, nchw.byteLength));
  const check = await openCheckPage();
  // A module script, not import() in evaluate: vitest rewrites import() in this file's code.
  await check.addScriptTag({
    type: 'module',
    content: "import * as ort from '/ort/ort.wasm.min.mjs'; window.ort = ort;",
  });
  await check.waitForFunction(() => 'ort' in window);
  const result = await check.evaluate(
    async ({ model, input, count }) => {
      // biome-ignore lint/suspicious/noExplicitAny: onnxruntime-web's module, set by the script above
      const ort = (window as any).ort;
      ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
      ort.env.wasm.numThreads = 1;
      const session = await ort.InferenceSession.create(`${location.origin}/model/${model}`, {
        executionProviders: ['wasm'],
      });
      const images = new Float32Array(await (await fetch(`/model/${input}`)).arrayBuffer());
      const outputs = await session.run({
        images: new ort.Tensor('float32', images, [count, 3, 32, 32]),
      });
      const logits = Array.from(outputs.logits.data as Float32Array);
      await session.release();
      return {
        inputNames: [...session.inputNames] as string[],
        outputNames: [...session.outputNames] as string[],
        logits,
      };
    },
    { model, input, count },
  );
  await check.close();
  return result;
}

/** NHWC → NCHW, what the ONNX file takes. */
function toNchw(images: Float32Array, count: number): Float32Array {
  const out = new Float32Array(images.length);
  const plane = SIDE * SIDE;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++)
        out[n * IMAGE + c * plane + p] = images[n * IMAGE + p * 3 + c] as number;
    }
  }
  return out;
}

function top3(logits: ArrayLike<number>, n: number): string[] {
  const row = Array.from(
    { length: classNames.length },
    (_, c) => logits[n * classNames.length + c] as number,
  );
  return row
    .map((value, label) => ({ value, label }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 3)
    .map(({ label }) => classNames[label] as string);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/**
 * Every registry model at the CI widths of @cnnkit/models' export tests (no trained weights of
 * the larger nets exist in the repository).
 */
const REGISTRY_MODELS = [
  { name: 'simple-cnn', options: {} },
  { name: 'airbench', options: { widths: [16, 32, 32] } },
  { name: 'resnet9', options: { widths: { prep: 8, layer1: 16, layer2: 32, layer3: 32 } } },
] as const;
/** The sample's 500 test images, then the same mirrored left to right, as in those tests. */
let thousand: { nhwc: Float32Array; labels: Int32Array };
let firstTrainImages: Float32Array;

function mirrored(images: Float32Array, count: number): Float32Array {
  const out = new Float32Array(images.length);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const from = n * IMAGE + (y * SIDE + SIDE - 1 - x) * 3;
        out.set(images.subarray(from, from + 3), n * IMAGE + (y * SIDE + x) * 3);
      }
    }
  }
  return out;
}

beforeAll(async () => {
  const { test: sample, train } = await openCifar10(cifar10SamplePath());
  const all = Float32Array.from(sample.images, (v) => v / 127.5 - 1);
  thousand = {
    nhwc: new Float32Array([...all, ...mirrored(all, sample.count)]),
    labels: Int32Array.from([...sample.labels, ...sample.labels]),
  };
  firstTrainImages = Float32Array.from(train.images.subarray(0, 500 * IMAGE), (v) => v / 127.5 - 1);
  classNames = sample.classNames;
  nhwc = Float32Array.from(sample.images.subarray(0, SHOWN * IMAGE), (v) => v / 127.5 - 1);

  const { page } = demo().opened;
  // A short run on wasm: 10 steps of 20 images, enough to move the weights off their seed.
  await fillSettings(page, { epochs: 1, batchSize: 20, limit: 200 });
  await startTraining(page);
  expect((await waitForOutcome(page)).outcome).toBe('completed');
  await page.waitForSelector('#inspect:not([data-stale])');
  demoTop3 = await page.$$eval('#predictions > li', (items) =>
    items.map((item) =>
      [...item.querySelectorAll('ol.bars > li > span:first-child')].map((span) =>
        (span.textContent ?? '').replace(/ [\d.]+ %$/, ''),
      ),
    ),
  );

  const weights = await download(page, '#download-weights');
  // tfjs's own wasm backend in Node: cnnkit's reference logits, fast enough for 1,000 images.
  if (!(await tf.setBackend('wasm')))
    throw new Error('the tfjs wasm backend did not start in Node');
  const model = SimpleCNN.create({ seed: 0 });
  model.loadWeights(weights.bytes);
  cnnkitLogits = tf.tidy(
    () => model.logits(tf.tensor4d(nhwc, [SHOWN, SIDE, SIDE, 3])).dataSync() as Float32Array,
  );
  model.dispose();
});

test('the demo shows the top-3 of its trained model for its 24 test images (the reference)', () => {
  expect(demoTop3).toHaveLength(SHOWN);
  for (const [n, shown] of demoTop3.entries()) expect(shown).toEqual(top3(cnnkitLogits, n));
});

test('"Download ONNX" gives a file that onnxruntime-web runs in a page to the demo’s top-3', async () => {
  const { page } = demo().opened;
  const onnx = await download(page, '#download-onnx');
  expect(onnx.name).toBe('simple-cnn.onnx');
  expect(await page.textContent('#weights-status')).toContain(
    `Downloaded simple-cnn.onnx (${onnx.bytes.length.toLocaleString('en-US')} bytes): ONNX opset 17`,
  );
  // The metadata the CLI writes: class names, normalisation, resize policy.
  const info = readWeightsInfo(decodeSafetensors(await weightsFromOnnx(onnx.bytes)).metadata);
  expect(info).toMatchObject({
    model: 'simple-cnn',
    classNames,
    inputShape: [32, 32, 3],
    normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    resize: 'squash',
  });
  modelFiles.set('simple-cnn.onnx', onnx.bytes);

  const result = await onnxWebLogits('simple-cnn.onnx', toNchw(nhwc, SHOWN), SHOWN);
  expect([result.inputNames, result.outputNames]).toEqual([['images'], ['logits']]);
  const diff = maxAbsDiff(result.logits, cnnkitLogits);
  console.log(
    `onnxruntime-web (wasm) in Chromium vs the trained model: max |Δlogit| ${diff.toExponential(2)}`,
  );
  expect(diff).toBeLessThanOrEqual(TOLERANCE);
  for (let n = 0; n < SHOWN; n++) expect(top3(result.logits, n)).toEqual(demoTop3[n]);
  expect(demo().opened.errors).toEqual([]);
});

test('"Download TF.js" gives a zip whose folder loadGraphModel loads in a page to the same logits', async () => {
  const { page } = demo().opened;
  const zip = await download(page, '#download-tfjs');
  expect(zip.name).toBe('simple-cnn-tfjs.zip');
  const files = unzipSync(zip.bytes);
  expect(Object.keys(files).sort()).toEqual([
    'simple-cnn-tfjs/group1-shard1of1.bin',
    'simple-cnn-tfjs/model.json',
  ]);
  for (const [path, bytes] of Object.entries(files)) modelFiles.set(path, bytes);

  const check = await openCheckPage();
  const result = await check.evaluate(
    async ({ input, count, scripts }) => {
      // The browser bundles extend one global `tf`, core first.
      for (const script of scripts) {
        await new Promise((resolve, reject) => {
          const element = document.createElement('script');
          element.src = `/tfjs/${script}`;
          element.onload = resolve;
          element.onerror = () => reject(new Error(`${script} did not load`));
          document.head.append(element);
        });
      }
      // biome-ignore lint/suspicious/noExplicitAny: the UMD bundles' global has no types here
      const tf = (window as any).tf;
      await tf.setBackend('cpu');
      const model = await tf.loadGraphModel('/model/simple-cnn-tfjs/model.json');
      const images = tf.tensor4d(Float32Array.from(input), [count, 32, 32, 3]);
      const logits = model.predict(images);
      const values = Array.from((await logits.data()) as Float32Array);
      tf.dispose([images, logits]);
      return { logits: values, metadata: model.metadata as Record<string, unknown> };
    },
    { input: Array.from(nhwc), count: SHOWN, scripts: Object.keys(TFJS_SCRIPTS) },
  );
  await check.close();
  expect(result.metadata).toMatchObject({
    output: 'logits',
    preprocessing: { layout: 'NHWC', height: 32, width: 32, channels: 3 },
    'cnnkit.classes': classNames,
    'cnnkit.resize': 'squash',
  });
  const diff = maxAbsDiff(result.logits, cnnkitLogits);
  console.log(
    `TF.js loadGraphModel (cpu) in Chromium vs the trained model: max |Δlogit| ${diff.toExponential(2)}`,
  );
  expect(diff).toBeLessThanOrEqual(TOLERANCE);
  for (let n = 0; n < SHOWN; n++) expect(top3(result.logits, n)).toEqual(demoTop3[n]);
  expect(demo().opened.errors).toEqual([]);
});

test('the exports wait for the run to end: disabled while paused, the stopped model after Stop', async () => {
  const { page } = demo().opened;
  await fillSettings(page, { epochs: 1, batchSize: 4, limit: 2000 });
  await startTraining(page);
  await page.click('#pause');
  await page.waitForSelector('body[data-phase="paused"]');
  for (const button of ['#download-onnx', '#download-tfjs', '#download-weights']) {
    expect(await page.isDisabled(button)).toBe(true);
  }
  await page.click('#stop');
  expect((await waitForOutcome(page)).outcome).toBe('stopped');
  const onnx = await download(page, '#download-onnx');
  const weights = await download(page, '#download-weights');
  // The ONNX file holds the stopped model's weights, byte for byte.
  const fromOnnx = decodeSafetensors(await weightsFromOnnx(onnx.bytes)).tensors;
  const saved = decodeSafetensors(weights.bytes).tensors;
  expect([...fromOnnx.keys()].sort()).toEqual([...saved.keys()].sort());
  for (const [name, tensor] of saved) {
    expect(Buffer.from(fromOnnx.get(name)?.bytes ?? []).equals(Buffer.from(tensor.bytes))).toBe(
      true,
    );
  }
  expect(demo().opened.errors).toEqual([]);
});

test.each(REGISTRY_MODELS)(
  '$name (seeded, not trained; CI widths) in onnxruntime-web in Chromium: 1,000 test images within 1e-4 of cnnkit, same top-1',
  async ({ name, options }) => {
    const count = thousand.labels.length;
    const model = createModel(name, { seed: 1, ...options });
    if (model instanceof AirbenchNet) {
      const images = tf.tensor4d(firstTrainImages, [500, SIDE, SIDE, 3]);
      model.initWhitening(images);
      images.dispose();
    }
    const reference = new Float32Array(count * model.numClasses);
    for (let start = 0; start < count; start += 100) {
      const logits = tf.tidy(() =>
        model.logits(
          tf.tensor4d(thousand.nhwc.subarray(start * IMAGE, (start + 100) * IMAGE), [
            100,
            SIDE,
            SIDE,
            3,
          ]),
        ),
      );
      reference.set(logits.dataSync() as Float32Array, start * model.numClasses);
      logits.dispose();
    }
    modelFiles.set(`${name}.onnx`, await exportOnnx(model, { classNames }));
    model.dispose();
    const { logits } = await onnxWebLogits(`${name}.onnx`, toNchw(thousand.nhwc, count), count);
    const diff = maxAbsDiff(logits, reference);
    const top1 = (scores: ArrayLike<number>) =>
      Array.from({ length: count }, (_, n) => top3(scores, n)[0]);
    const correct = top1(reference).filter(
      (c, n) => c === classNames[thousand.labels[n] as number],
    );
    console.log(
      `${name}: onnxruntime-web (wasm) in Chromium, 1,000 images: max |Δlogit| ${diff.toExponential(2)}, accuracy ${(correct.length / 10).toFixed(1)} %`,
    );
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
    expect(top1(logits)).toEqual(top1(reference));
  },
  // onnxruntime-web runs single-threaded here: ResNet-9 takes minutes on a loaded machine.
  600_000,
);
