import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWeightsInfo } from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cnnkitJson } from './support/cli.js';
import { colourImage } from './support/colour-image.js';
import { useDemoPage } from './support/demo-page.js';
import { fillSettings, startTraining, waitForOutcome } from './support/page.js';
import { topThree } from './support/top-three.js';

/** `@cnnkit/airbench-cifar10`'s file, which the page fetches from its build. */
const AIRBENCH_FILE = new URL(
  '../../../packages/airbench-cifar10/data/airbench-cifar10.safetensors',
  import.meta.url,
).pathname;

const demo = useDemoPage({ allChecked: false });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnkit-web-airbench-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Downloads the page's current weights and decodes them. */
async function downloadedWeights(name: string) {
  const { page } = demo().opened;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-weights'),
  ]);
  expect(download.suggestedFilename()).toBe(name);
  const path = join(dir, `${Date.now()}-${name}`);
  await download.saveAs(path);
  return decodeSafetensors(new Uint8Array(await readFile(path)));
}

test('the trained AirbenchNet shows the accuracy `cnnkit eval` reports, and classifies as `cnnkit predict`', async () => {
  const { page } = demo().opened;
  const cliEval = await cnnkitJson<{ accuracy: number; loss: number; testImages: number }>([
    'eval',
    '--weights',
    AIRBENCH_FILE,
    '--data',
    'sample',
    '--backend',
    'wasm',
  ]);
  await page.click('#use-airbench');
  await page.waitForFunction(
    () =>
      document.body.dataset.phase === 'idle' &&
      document.getElementById('weights-status')?.textContent !== '',
  );
  expect(await page.textContent('#weights-status')).toMatch(
    /^Loaded airbench-cifar10\.safetensors/,
  );
  const shown = (await page.textContent('#test-accuracy')) ?? '';
  const correct = Math.round(cliEval.accuracy * cliEval.testImages);
  console.log(`cnnkit eval: ${(100 * cliEval.accuracy).toFixed(1)} %; page: ${shown}`);
  expect(shown).toContain(
    `AirbenchNet trained on CIFAR-10: test accuracy ${(100 * cliEval.accuracy).toFixed(1)} % (${correct} / 500 images)`,
  );
  // Same weights, data and normalisation (CIFAR-10's statistics, not the tutorial's 0.5).
  const pageLoss = Number(/loss (\d+\.\d+)/.exec(shown)?.[1]);
  expect(Math.abs(pageLoss - cliEval.loss)).toBeLessThan(2e-4);
  // The whitening layer is its first convolution: 24 filters of 2×2.
  expect(await page.textContent('#filters-title')).toBe(
    'whiten filters (AirbenchNet: 24 of 2×2 RGB, each scaled to its own range)',
  );
  expect(await page.$$eval('#filters canvas', (items) => items.length)).toBe(24);

  // 32×32, so the page and `cnnkit predict` see the same pixels (no resampling).
  const image = join(dir, 'red-square.png');
  await writeFile(image, await colourImage([200, 60, 40], 32, 32, 3, 'png'));
  const { cli, shown: top } = await topThree(page, image, AIRBENCH_FILE);
  expect(top).toEqual(cli.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)} %`));
  expect(demo().opened.errors).toEqual([]);
});

test('the fast recipe trains AirbenchNet from the seed; its weights download as airbench.safetensors', async () => {
  const { page } = demo().opened;
  await page.selectOption('#recipe', 'fast');
  // Choosing the recipe puts its settings in the form (the batch halved for a tab's memory).
  const values = await page.$$eval('#train-form input[type="number"]', (inputs) =>
    Object.fromEntries(
      inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]),
    ),
  );
  expect(values).toMatchObject({ lr: '11.5', momentum: '0.85', batchSize: '512', epochs: '11' });
  expect(await page.textContent('#train-status')).toMatch(/^Start trains AirbenchNet/);
  await fillSettings(page, { batchSize: 32, epochs: 2, limit: 128 });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  // 128 images in batches of 32, for 2 epochs.
  expect(status).toMatch(/^Finished 2 epochs \(8 steps\): test accuracy \d+\.\d %/);
  expect(await page.$$eval('#filters canvas', (items) => items.length)).toBe(24);
  const weights = await downloadedWeights('airbench.safetensors');
  const info = readWeightsInfo(weights.metadata);
  expect(info.model).toBe('airbench');
  expect(info.modelOptions).toEqual({ numClasses: 10, widths: [64, 128, 128] });
  expect(info.normalize?.mean[0]).toBeCloseTo(0.4914, 4);
  expect(weights.tensors.get('head.weight')?.shape).toEqual([10, 128]);
  expect(demo().opened.errors).toEqual([]);
});

test('fine-tuning the trained AirbenchNet on three classes of your images: new head, frozen features kept', async () => {
  const { page } = demo().opened;
  const folder = join(dir, 'colours');
  const colours = { lime: [60, 200, 40], sky: [40, 120, 230], tomato: [220, 40, 30] };
  let seed = 1;
  for (const [name, rgb] of Object.entries(colours)) {
    await mkdir(join(folder, name), { recursive: true });
    for (let i = 0; i < 12; i++) {
      await writeFile(
        join(folder, name, `${i}.png`),
        await colourImage(rgb, 32, 32, seed++, 'png'),
      );
    }
  }
  await page.setInputFiles('#folder-input', folder);
  await page.waitForFunction(
    () =>
      document.body.dataset.phase === 'idle' &&
      document.getElementById('data-status')?.textContent?.includes('3 classes'),
  );
  // The trained start is AirbenchNet's: the tutorial recipe cannot choose it.
  await page.selectOption('#recipe', 'tutorial');
  expect(
    await page.$eval(
      '#train-start option[value="airbench-cifar10"]',
      (option) => (option as HTMLOptionElement).disabled,
    ),
  ).toBe(true);
  expect(await page.isDisabled('#freeze-features')).toBe(true);
  await page.selectOption('#recipe', 'fast');
  await page.selectOption('#train-start', 'airbench-cifar10');
  await page.check('#freeze-features');
  await fillSettings(page, { batchSize: 8, epochs: 2, limit: '' });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  expect(status).toMatch(
    /^Finished 2 epochs \(\d+ steps\): .* Fine-tuned from airbench-cifar10\.safetensors: trained a new head for lime, sky, tomato only \(head\.weight; the features stayed as shipped\)\.$/,
  );

  const tuned = await downloadedWeights('airbench.safetensors');
  expect(readWeightsInfo(tuned.metadata).classNames).toEqual(['lime', 'sky', 'tomato']);
  expect(tuned.tensors.get('head.weight')?.shape).toEqual([3, 128]);
  const shipped = decodeSafetensors(new Uint8Array(await readFile(AIRBENCH_FILE))).tensors;
  // Frozen: the convolutions are the shipped ones, bit for bit (BatchNorm's running
  // statistics still follow the new images, as in PyTorch's train mode).
  for (const name of ['whiten.weight', 'layers.0.conv1.weight', 'layers.2.conv2.weight']) {
    expect(
      Buffer.from(tuned.tensors.get(name)?.bytes ?? []).equals(
        Buffer.from(shipped.get(name)?.bytes ?? [1]),
      ),
      name,
    ).toBe(true);
  }
  // The page classifies with the fine-tuned model's own classes.
  const image = join(dir, 'sky.png');
  await writeFile(image, await colourImage(colours.sky, 40, 30, 99, 'png'));
  await page.$eval('#classify-result', (list) => list.replaceChildren());
  await page.setInputFiles('#image-input', image);
  await page.waitForSelector('#classify-result li');
  const shown = (await page.textContent('#classify-result')) ?? '';
  expect(shown).toMatch(/lime|sky|tomato/);
  expect(shown).not.toMatch(/airplane|truck/);
  expect(demo().opened.errors).toEqual([]);
});
