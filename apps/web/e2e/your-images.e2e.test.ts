import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readWeightsInfo } from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { axeViolations } from './support/axe.js';
import { colourImage } from './support/colour-image.js';
import { useDemoPage } from './support/demo-page.js';
import { fillSettings, startTraining, waitForOutcome } from './support/page.js';
import { APP_DIR } from './support/preview-server.js';

const ARTIFACTS = `${APP_DIR}test-artifacts`;

/** The user's classes, created out of order: the page must sort them as torchvision does. */
const COLOURS = { tomato: [220, 40, 30], sky: [40, 120, 230], lime: [60, 200, 40] } as const;
const CLASS_NAMES = ['lime', 'sky', 'tomato'];
const IMAGES_PER_CLASS = 10;
const CIFAR_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse'];

const demo = useDemoPage({ allChecked: false });
let dir: string;
/** The messy folder: PNG and JPEG of several sizes, a corrupt PNG, text files, a hidden file. */
let folder: string;
let zipPath: string;

async function writeMessyFolder(root: string): Promise<void> {
  let seed = 1;
  for (const [name, rgb] of Object.entries(COLOURS)) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < IMAGES_PER_CLASS; i++) {
      const format = i % 2 === 0 ? 'png' : 'jpeg';
      const [width, height] = [
        [32, 32],
        [48, 36],
        [40, 64],
      ][i % 3] as [number, number];
      await writeFile(
        join(root, name, `${String(i).padStart(2, '0')}.${format === 'png' ? 'png' : 'jpg'}`),
        await colourImage(rgb, width, height, seed++, format),
      );
    }
  }
  // A PNG cut short after its header: not decodable.
  const good = await colourImage(COLOURS.tomato, 32, 32, 99, 'png');
  await writeFile(join(root, 'tomato', 'broken.png'), good.subarray(0, 40));
  await writeFile(join(root, 'lime', 'readme.txt'), 'not a picture\n');
  await writeFile(join(root, 'notes.txt'), 'photos taken in 2026\n');
  await writeFile(join(root, 'sky', '.DS_Store'), 'Bud1');
}

/** A zip of `root` with its folder name on top, as a file manager makes it. */
async function zipFolder(root: string, top: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[`${top}/${relative(root, path)}`] = new Uint8Array(await readFile(path));
  }
  return zipSync(files);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnkit-web-your-images-'));
  folder = join(dir, 'colours');
  await writeMessyFolder(folder);
  zipPath = join(dir, 'colours.zip');
  await writeFile(zipPath, await zipFolder(folder, 'colours'));
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Waits until the data section shows `source` loaded (or an error) and the page is idle. */
async function waitForData(page: Page, source: string): Promise<void> {
  await page.waitForFunction(
    (name) =>
      document.body.dataset.phase === 'idle' &&
      (document.getElementById('data-status')?.textContent?.includes(name) ||
        (document.getElementById('data-error')?.textContent ?? '') !== ''),
    source,
  );
  expect(await page.textContent('#data-error')).toBe('');
}

/** The classes table: name, training and validation counts, thumbnails per row. */
async function classRows(page: Page) {
  return page.$$eval('#your-classes tbody tr', (rows) =>
    rows.map((row) => ({
      name: row.querySelector('th')?.textContent,
      train: Number(row.querySelectorAll('td')[0]?.textContent),
      val: Number(row.querySelectorAll('td')[1]?.textContent),
      thumbnails: row.querySelectorAll('canvas').length,
    })),
  );
}

async function expectFolderShown(page: Page): Promise<void> {
  const rows = await classRows(page);
  expect(rows.map((row) => row.name)).toEqual(CLASS_NAMES);
  for (const row of rows) {
    expect(row.train + row.val, row.name ?? '').toBe(IMAGES_PER_CLASS);
    expect(row.val).toBeGreaterThanOrEqual(1);
    expect(row.thumbnails).toBe(4);
  }
  const skipped = (await page.textContent('.your-images-skipped')) ?? '';
  expect(skipped).toMatch(/^3 files skipped: /);
  expect(skipped).toContain(
    'lime/readme.txt (not an image (no image format starts like this file))',
  );
  expect(skipped).toContain('notes.txt (not in a class folder');
  expect(skipped).toContain('tomato/broken.png (cannot decode the image');
  expect(await page.textContent('#your-images')).toContain('1 hidden or system file ignored');
  expect(await page.textContent('#your-images')).toContain('held out for validation (seed 0)');
  expect(await page.textContent('#data-status')).toContain('3 classes (lime, sky, tomato)');
}

/** Header texts of the confusion matrix and the true labels of the predictions grid. */
async function inspectedNames(page: Page): Promise<{ confusion: string[]; truths: string[] }> {
  return {
    confusion: await page.$$eval('#confusion tr:first-child th', (cells) =>
      cells.map((cell) => cell.textContent ?? '').filter((text) => text !== ''),
    ),
    truths: await page.$$eval('#predictions li', (items) =>
      items.map((item) => item.textContent ?? ''),
    ),
  };
}

async function classifyImage(page: Page, rgb: readonly number[]): Promise<string> {
  const file = join(dir, `classify-${rgb.join('-')}.png`);
  await writeFile(file, await colourImage(rgb, 50, 40, 7, 'png'));
  await page.$eval('#classify-result', (list) => list.replaceChildren());
  await page.setInputFiles('#image-input', file);
  await page.waitForSelector('#classify-result li');
  return (await page.textContent('#classify-result')) ?? '';
}

test('a picked folder shows its classes, counts, thumbnails and skipped files, and trains with its class names', async () => {
  const { page } = demo().opened;
  await page.setInputFiles('#folder-input', folder);
  await waitForData(page, 'your images, colours');
  await expectFolderShown(page);
  expect(await page.isVisible('#use-sample')).toBe(true);
  // innerText keeps the table's rows apart, for a readable log.
  // biome-ignore lint/performance/useDomNodeTextContent: the log is read by people
  console.log(`${await page.textContent('#data-status')}\n${await page.innerText('#your-images')}`);
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);

  await fillSettings(page, { epochs: 2, batchSize: 4, lr: 0.01, limit: '' });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  expect(status).toMatch(/^Finished 2 epochs \(\d+ steps\): test accuracy \d+\.\d %/);
  // 3 validation images: the accuracy counts them.
  expect(await page.textContent('#test-accuracy')).toMatch(/\(\d \/ 3 images\)/);

  const { confusion, truths } = await inspectedNames(page);
  expect(confusion).toEqual(expect.arrayContaining(CLASS_NAMES));
  expect(confusion.some((text) => CIFAR_NAMES.includes(text))).toBe(false);
  const grid = truths.join(' ');
  for (const name of CLASS_NAMES) expect(grid).toContain(`true: ${name}`);
  expect(CIFAR_NAMES.some((name) => grid.includes(name))).toBe(false);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-weights'),
  ]);
  const saved = join(dir, 'colours.safetensors');
  await download.saveAs(saved);
  const decoded = decodeSafetensors(new Uint8Array(await readFile(saved)), saved);
  const info = readWeightsInfo(decoded.metadata, saved);
  expect(info.classNames).toEqual(CLASS_NAMES);
  expect(info.modelOptions).toMatchObject({ numClasses: 3 });
  expect(decoded.tensors.get('fc3.weight')?.shape).toEqual([3, 84]);
  await (await page.$('#data'))?.screenshot({ path: `${ARTIFACTS}/your-images.png` });
  await (await page.$('#inspect'))?.screenshot({ path: `${ARTIFACTS}/your-images-inspect.png` });

  const top = await classifyImage(page, COLOURS.sky);
  expect(
    top
      .split(/\d+\.\d %/)
      .map((s) => s.trim())
      .filter(Boolean)
      .sort(),
  ).toEqual(CLASS_NAMES);
});

test('the same images as a .zip load and train with their class names', async () => {
  const { page } = demo().opened;
  await page.setInputFiles('#folder-archive-input', zipPath);
  await waitForData(page, 'your images, colours.zip');
  await expectFolderShown(page);

  await fillSettings(page, { epochs: 1, batchSize: 4, lr: 0.01, limit: '' });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  expect((await inspectedNames(page)).confusion).toEqual(expect.arrayContaining(CLASS_NAMES));
});

test('a .tar.gz of the same images shows the same classes and skipped files', async () => {
  const { page } = demo().opened;
  const tarPath = join(dir, 'colours.tar.gz');
  await createTar({ gzip: true, file: tarPath, cwd: dir }, ['colours']);
  await page.setInputFiles('#folder-archive-input', tarPath);
  await waitForData(page, 'your images, colours.tar.gz');
  await expectFolderShown(page);
});

test('a .zip dropped on the Your images area is read like a chosen one', async () => {
  const { page } = demo().opened;
  await page.click('#use-sample');
  await waitForData(page, 'the embedded sample');
  const base64 = (await readFile(zipPath)).toString('base64');
  const transfer = await page.evaluateHandle((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dropped = new DataTransfer();
    dropped.items.add(new File([bytes], 'dropped.zip', { type: 'application/zip' }));
    return dropped;
  }, base64);
  await page.dispatchEvent('#your-images-drop', 'drop', { dataTransfer: transfer });
  await waitForData(page, 'your images, dropped.zip');
  await expectFolderShown(page);
});

test('back to the CIFAR-10 sample: its names return, and 3-class weights are refused with the reason', async () => {
  const { page } = demo().opened;
  await page.click('#use-sample');
  await waitForData(page, 'the embedded sample');
  expect(await page.isVisible('#your-images')).toBe(false);
  expect(await page.isVisible('#use-sample')).toBe(false);
  expect((await inspectedNames(page)).confusion).toEqual(expect.arrayContaining(CIFAR_NAMES));
  const top = await classifyImage(page, COLOURS.lime);
  expect(CLASS_NAMES.some((name) => top.includes(name))).toBe(false);

  await page.setInputFiles('#weights-input', join(dir, 'colours.safetensors'));
  await page.waitForSelector('#weights-status[data-error="true"]');
  expect(await page.textContent('#weights-status')).toContain(
    'colours.safetensors: its model tells 3 classes apart (lime, sky, tomato), the loaded images have 10',
  );
});

test('loaded weights classify with the class names in their metadata, not the loaded images', async () => {
  const { page } = demo().opened;
  // Other images of three classes: the file fits, but its outputs are lime, sky and tomato.
  const others = join(dir, 'others');
  for (const [name, rgb] of [
    ['x', [200, 200, 0]],
    ['y', [0, 200, 200]],
    ['z', [200, 0, 200]],
  ] as const) {
    await mkdir(join(others, name), { recursive: true });
    for (let i = 0; i < 2; i++) {
      await writeFile(join(others, name, `${i}.png`), await colourImage(rgb, 32, 32, i + 1, 'png'));
    }
  }
  await page.setInputFiles('#folder-input', others);
  await waitForData(page, 'your images, others');
  expect(await classifyImage(page, COLOURS.tomato)).toMatch(/^[xyz] /);
  await page.setInputFiles('#weights-input', join(dir, 'colours.safetensors'));
  await page.waitForFunction(() =>
    document.getElementById('weights-status')?.textContent?.startsWith('Loaded colours'),
  );
  const top = await classifyImage(page, COLOURS.tomato);
  expect(CLASS_NAMES.some((name) => top.startsWith(name))).toBe(true);
  expect(demo().opened.errors).toEqual([]);
});

test('folders that cannot be trained on say why: one class, nothing decodable, a class without validation images', async () => {
  const { page } = demo().opened;
  const single = join(dir, 'single');
  await mkdir(join(single, 'cat'), { recursive: true });
  await writeFile(join(single, 'cat', 'a.png'), await colourImage([9, 9, 9], 32, 32, 1, 'png'));
  await page.setInputFiles('#folder-input', single);
  await page.waitForFunction(() => document.getElementById('data-error')?.textContent !== '');
  expect(await page.textContent('#data-error')).toContain(
    'has one class folder (cat); a classifier needs at least two classes',
  );
  // The previous images stay loaded.
  expect(await page.textContent('#data-status')).toBe('The previous data is still loaded.');

  const broken = join(dir, 'broken');
  for (const name of ['cat', 'dog']) {
    await mkdir(join(broken, name), { recursive: true });
    await writeFile(join(broken, name, 'x.png'), 'not a png');
  }
  await page.waitForSelector('body[data-phase="idle"]');
  await page.setInputFiles('#folder-input', broken);
  await page.waitForFunction(
    () => !document.getElementById('data-error')?.textContent?.includes('one class folder'),
  );
  await page.waitForSelector('body[data-phase="idle"]');
  expect(await page.textContent('#data-error')).toMatch(/none of its 1 files could be used/);

  const split = join(dir, 'split');
  for (const [part, name, count] of [
    ['train', 'cat', 3],
    ['train', 'dog', 3],
    ['val', 'cat', 1],
  ] as const) {
    await mkdir(join(split, part, name), { recursive: true });
    for (let i = 0; i < count; i++) {
      await writeFile(
        join(split, part, name, `${i}.png`),
        await colourImage(name === 'cat' ? [200, 100, 0] : [0, 100, 200], 32, 32, i + 1, 'png'),
      );
    }
  }
  await page.setInputFiles('#folder-input', split);
  await waitForData(page, 'your images, split');
  expect(await classRows(page)).toEqual([
    { name: 'cat', train: 3, val: 1, thumbnails: 3 },
    { name: 'dog', train: 3, val: 0, thumbnails: 3 },
  ]);
  const shown = (await page.textContent('#your-images')) ?? '';
  expect(shown).toContain('Split: the train/ folder for training, val/ for validation.');
  expect(shown).toContain('has no images of class dog: its accuracy is not measured');
});
