import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type TensorToEncode } from '@cnnkit/safetensors';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cnnkitJson } from './support/cli.js';
import { useDemoPage } from './support/demo-page.js';
import type { OpenedPage } from './support/page.js';
import { APP_DIR } from './support/preview-server.js';
import { topThree } from './support/top-three.js';

const demo = useDemoPage();
let dir: string;
let weights: string;
let cliEval: { accuracy: number; loss: number; testImages: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnkit-web-e2e-'));
  // The CLI's weights: a short wasm run on the embedded sample, evaluated by `cnnkit eval`.
  const trained = await cnnkitJson<{ weights: string }>([
    'train',
    '--data',
    'sample',
    '--limit',
    '200',
    '--epochs',
    '1',
    '--backend',
    'wasm',
    '--out',
    join(dir, 'run'),
  ]);
  weights = trained.weights;
  cliEval = await cnnkitJson([
    'eval',
    '--weights',
    weights,
    '--data',
    'sample',
    '--backend',
    'wasm',
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('weights written by `cnnkit train` show the accuracy `cnnkit eval` reports on the sample', async () => {
  const { page } = demo().opened;
  await page.setInputFiles('#weights-input', weights);
  await page.waitForFunction(() =>
    document.getElementById('weights-status')?.textContent?.startsWith('Loaded'),
  );
  const correct = Math.round(cliEval.accuracy * cliEval.testImages);
  const shown = (await page.textContent('#test-accuracy')) ?? '';
  console.log(
    `cnnkit eval: ${(100 * cliEval.accuracy).toFixed(1)} % (${correct} / ${cliEval.testImages}); page: ${shown}`,
  );
  expect(shown).toContain(
    `simple-cnn.safetensors: test accuracy ${(100 * cliEval.accuracy).toFixed(1)} % (${correct} / ${cliEval.testImages} images)`,
  );
  // The mean loss is a finer check than the accuracy: same weights, data and transform.
  const pageLoss = Number(/loss (\d+\.\d+)/.exec(shown)?.[1]);
  expect(Math.abs(pageLoss - cliEval.loss)).toBeLessThan(2e-4);
  expect(demo().opened.errors).toEqual([]);
});

test('downloaded weights are byte for byte the loaded `cnnkit train` file', async () => {
  const { page } = demo().opened;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-weights'),
  ]);
  expect(download.suggestedFilename()).toBe('simple-cnn.safetensors');
  const saved = join(dir, 'downloaded.safetensors');
  await download.saveAs(saved);
  expect(await readFile(saved)).toEqual(await readFile(weights));
});

test('a SimpleCNN file written by PyTorch loads and shows its test accuracy', async () => {
  const { page } = demo().opened;
  // Written by scripts/pytorch/make_fixtures.py with torch and safetensors' reference layout.
  const torchFile = new URL(
    '../../../packages/models/src/fixtures/simple-cnn-weights.safetensors',
    import.meta.url,
  ).pathname;
  const expected = await cnnkitJson<{ accuracy: number; testImages: number }>([
    'eval',
    '--weights',
    torchFile,
    '--data',
    'sample',
    '--backend',
    'wasm',
  ]);
  await page.setInputFiles('#weights-input', torchFile);
  await page.waitForFunction(() =>
    document.getElementById('weights-status')?.textContent?.startsWith('Loaded simple-cnn-weights'),
  );
  const correct = Math.round(expected.accuracy * expected.testImages);
  expect(await page.textContent('#test-accuracy')).toContain(
    `simple-cnn-weights.safetensors: test accuracy ${(100 * expected.accuracy).toFixed(1)} % (${correct} / 500 images)`,
  );
  // Put the CLI-trained weights back for the next test.
  await page.setInputFiles('#weights-input', weights);
  await page.waitForFunction(() =>
    document
      .getElementById('weights-status')
      ?.textContent?.startsWith('Loaded simple-cnn.safetensors'),
  );
});

test('weights of the wrong shape show every problem and what to do, and the loaded model stays', async () => {
  const { page } = demo().opened;
  const accuracyBefore = await page.textContent('#test-accuracy');
  // The CLI's file with fc1.weight cut to 256 inputs and fc3.bias left out.
  const broken: Record<string, TensorToEncode> = {};
  for (const [name, tensor] of decodeSafetensors(new Uint8Array(await readFile(weights))).tensors) {
    if (name === 'fc3.bias') continue;
    broken[name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data: new Float32Array(tensor.bytes.slice().buffer),
    };
  }
  broken['fc1.weight'] = { dtype: 'F32', shape: [120, 256], data: new Float32Array(120 * 256) };
  const file = join(dir, 'broken.safetensors');
  await writeFile(file, encodeSafetensors(broken));
  await page.setInputFiles('#weights-input', file);
  await page.waitForSelector('#weights-status[data-error="true"]');
  await page.waitForSelector('body[data-phase="idle"]');
  // Before, the page showed the first line only: "… do not fit SimpleCNN (2 problems):".
  expect(
    await page.$eval('#weights-status', (status) =>
      [...status.childNodes].map((node) =>
        node instanceof HTMLUListElement
          ? [...node.children].map((item) => item.textContent)
          : node.textContent,
      ),
    ),
  ).toEqual([
    'broken.safetensors: These weights do not fit SimpleCNN (2 problems):',
    [
      'fc1.weight: expected shape [120, 400], found [120, 256]',
      'fc3.bias: missing (expected shape [10])',
    ],
    "Load a safetensors file saved from SimpleCNN (cnnkit's saveWeights, or the PyTorch model's state_dict).",
  ]);
  expect(await page.textContent('#test-accuracy')).toBe(accuracyBefore);
  await (await page.$('#weights-status'))?.screenshot({
    path: `${APP_DIR}test-artifacts/weights-mismatch.png`,
  });
});

/** A `width`×`height` picture drawn by the browser itself, saved as PNG in the test's folder. */
async function drawPicture(page: OpenedPage['page'], width: number, height: number, file: string) {
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w as number;
      canvas.height = h as number;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      const gradient = context.createLinearGradient(0, 0, w as number, h as number);
      gradient.addColorStop(0, '#2a6fdb');
      gradient.addColorStop(1, '#e8d9a0');
      context.fillStyle = gradient;
      context.fillRect(0, 0, w as number, h as number);
      context.fillStyle = '#7a3b12';
      context.beginPath();
      context.ellipse(
        (w as number) / 2,
        (h as number) * 0.6,
        (w as number) / 4,
        (h as number) / 6,
        0.2,
        0,
        2 * Math.PI,
      );
      context.fill();
      return canvas.toDataURL('image/png');
    },
    [width, height],
  );
  const path = join(dir, file);
  await writeFile(path, Buffer.from(dataUrl.split(',')[1] ?? '', 'base64'));
  return path;
}

test('a 32×32 image gets exactly the top-3 `cnnkit predict` gives', async () => {
  const { cli, shown } = await topThree(
    demo().opened.page,
    await drawPicture(demo().opened.page, 32, 32, 'small.png'),
    weights,
  );
  expect(shown).toEqual(cli.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)} %`));
});

test('an uploaded image of any size gets the top-3 of `cnnkit predict`, up to the resampler', async () => {
  const { page } = demo().opened;
  const { cli, shown } = await topThree(
    page,
    await drawPicture(page, 97, 61, 'picture.png'),
    weights,
  );
  // predict resizes with sharp (libvips), the page by area averaging: the 32×32 pixels differ
  // a little, so the probabilities may too, by less than half a point here.
  const parsed = shown.map((line) => {
    const [, label, percent] = /^(.+) (\d+\.\d) %$/.exec(line) ?? [];
    return { label, percent: Number(percent) };
  });
  expect(parsed[0]?.label).toBe(cli[0]?.label);
  for (const { label, percent } of parsed) {
    const expected = cli.find((t) => t.label === label);
    if (expected) expect(Math.abs(percent - 100 * expected.probability)).toBeLessThan(0.5);
  }
  expect(demo().opened.errors).toEqual([]);
});

test('an image dropped on the page or pasted is classified too', async () => {
  const { page } = demo().opened;
  const pngBase64 = (await readFile(join(dir, 'picture.png'))).toString('base64');
  const shownAfter = async (deliver: (base64: string) => void) => {
    await page.$eval('#classify-result', (list) => list.replaceChildren());
    await page.evaluate(deliver, pngBase64);
    await page.waitForFunction(() => document.querySelectorAll('#classify-result li').length === 3);
    return page.$$eval('#classify-result li span:first-child', (items) =>
      items.map((i) => i.textContent),
    );
  };
  const chosen = await page.$$eval('#classify-result li span:first-child', (items) =>
    items.map((i) => i.textContent),
  );
  const dropped = await shownAfter((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    document
      .getElementById('image-drop')
      ?.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
  });
  expect(dropped).toEqual(chosen);
  const pasted = await shownAfter((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
  });
  expect(pasted).toEqual(chosen);
});

test("a file that is not an image shows its error and clears the previous image's result", async () => {
  const { page } = demo().opened;
  await page.setInputFiles('#image-input', join(dir, 'picture.png'));
  await page.waitForFunction(() => document.querySelectorAll('#classify-result li').length === 3);
  await page.setInputFiles('#image-input', {
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('not a picture'),
  });
  await page.waitForFunction(
    () => (document.getElementById('classify-error')?.textContent ?? '') !== '',
  );
  expect(await page.textContent('#classify-error')).toBe(
    'notes.txt: not an image this browser can decode; use a PNG or JPEG.',
  );
  // Before, picture.png's top-3 and preview stayed next to this message.
  expect(await page.$$eval('#classify-result li', (items) => items.length)).toBe(0);
  expect(await page.getAttribute('#image-preview', 'aria-label')).toBe('No image');
  expect(
    await page.$eval('#image-preview', (canvas) => {
      const pixels = (canvas as HTMLCanvasElement)
        .getContext('2d')
        ?.getImageData(0, 0, 32, 32).data;
      return pixels?.some((value) => value !== 0);
    }),
  ).toBe(false);
});

test('a file that is not a CIFAR-10 archive gets a clear message and the sample stays loaded', async () => {
  const { page } = demo().opened;
  await page.setInputFiles('#archive-input', {
    name: 'holiday.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('this is not an archive at all, just text'.repeat(40)),
  });
  await page.waitForFunction(
    () => (document.getElementById('data-error')?.textContent ?? '') !== '',
  );
  expect(await page.textContent('#data-error')).toMatch(
    /^holiday\.tar\.gz: .*(not a tar file|corrupt)/,
  );
  expect(await page.textContent('#data-status')).toBe('The previous data is still loaded.');
  await page.waitForSelector('body[data-phase="idle"]');
  expect(await page.isEnabled('#start')).toBe(true);
});
