import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import {
  backendRows,
  chartPoints,
  fillSettings,
  type OpenedPage,
  openDemo,
  startTraining,
  waitForOutcome,
} from './support/page.js';
import { APP_DIR, startPreview } from './support/preview-server.js';

let browser: LaunchedChromium;
let preview: Awaited<ReturnType<typeof startPreview>>;
let opened: OpenedPage;

beforeAll(async () => {
  preview = await startPreview();
  browser = await launchChromium();
  opened = await openDemo(browser.context, `${preview.url}?debug`);
});

afterAll(async () => {
  await browser?.close();
  await preview?.server.close();
});

test('wasm: training shows chart points, pauses, resumes and ends with an accuracy', async () => {
  const { page } = opened;
  expect(await page.textContent('#runtime-backend')).toBe('wasm');
  // The whole sample for one epoch: long enough to pause in the middle.
  await fillSettings(page, { epochs: 1, batchSize: 4, limit: 2000 });
  await startTraining(page);
  expect(await chartPoints(page, 'chart-loss')).toBeGreaterThan(0);

  await page.click('#pause');
  await page.waitForSelector('body[data-phase="paused"]');
  await page.waitForTimeout(700); // the step already queued when Pause arrived still reports
  const pausedAt = await chartPoints(page, 'chart-loss');
  await page.waitForTimeout(1500);
  expect(await chartPoints(page, 'chart-loss')).toBe(pausedAt);
  expect(await page.textContent('#pause')).toBe('Resume');

  await page.click('#pause');
  await page.waitForFunction(
    (n) => Number(document.getElementById('chart-loss')?.dataset.points) > n,
    pausedAt,
  );
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  expect(status).toMatch(/Finished 1 epoch \(500 steps\): test accuracy \d+\.\d %/);
  expect(await chartPoints(page, 'chart-loss')).toBe(500);
  expect(await chartPoints(page, 'chart-accuracy')).toBe(1);
  expect(await chartPoints(page, 'chart-speed')).toBeGreaterThan(0);
  expect(await page.textContent('#test-accuracy')).toMatch(
    /^Test accuracy \d+\.\d % \(\d+ \/ 500 images\)/,
  );
  expect(await page.$$eval('#predictions > li', (items) => items.length)).toBe(24);
  expect(await page.$$eval('#filters canvas', (items) => items.length)).toBe(6);
  expect(await page.$$eval('#confusion tr', (rows) => rows.length)).toBe(11);

  const screenshot = `${APP_DIR}test-artifacts/trained.png`;
  await mkdir(`${APP_DIR}test-artifacts`, { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot of the trained page: ${screenshot}`);
  expect(opened.errors).toEqual([]);
});

test('a learning rate that makes the loss NaN stops training with a message', async () => {
  const { page } = opened;
  // Steps of 1e30 overflow the weights to Infinity, and the loss to NaN, within a few batches.
  await fillSettings(page, { lr: 1e30, momentum: 0.9, epochs: 1, batchSize: 4, limit: 400 });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('non-finite-loss');
  expect(status).toMatch(
    /The loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+ \(lr 1e\+30\); training stopped and the weights of the last good step were kept/,
  );
  // The kept weights are finite: the evaluation still shows a number.
  expect(await page.textContent('#test-accuracy')).toMatch(/^Test accuracy \d+\.\d %/);
  await fillSettings(page, { lr: 0.001 });
});

test('webgl (SwiftShader here): training shows chart points and an accuracy, or the reason it cannot run', async () => {
  const { page } = opened;
  const rows = await backendRows(page);
  if (rows.webgl?.state !== 'ok') {
    // No silent pass: a failed backend must be greyed out with a reason.
    expect(rows.webgl?.state).toBe('failed');
    expect(rows.webgl?.detail).toMatch(/^unavailable: .{10,}/);
    expect(await page.isDisabled('.backend-option[data-backend="webgl"] input')).toBe(true);
    console.log(`webgl unavailable in this Chromium: ${rows.webgl?.detail}`);
    return;
  }
  await page.check('.backend-option[data-backend="webgl"] input');
  await page.waitForFunction(
    () => document.getElementById('runtime-backend')?.textContent === 'webgl',
  );
  await page.waitForSelector('body[data-phase="idle"]');
  // The SIMD build is a wasm-only fact: the header drops it on webgl.
  expect(await page.isHidden('#runtime-kernels-item')).toBe(true);
  await fillSettings(page, { epochs: 1, batchSize: 4, limit: 40 });
  await startTraining(page);
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('completed');
  expect(await chartPoints(page, 'chart-loss')).toBe(10);
  expect(await chartPoints(page, 'chart-accuracy')).toBe(1);
  expect(await page.textContent('#test-accuracy')).toMatch(
    /^Test accuracy \d+\.\d % \(\d+ \/ 500 images\)/,
  );
});

test('webgl: a lost context stops training and keeps the weights on another backend', async () => {
  const { page } = opened;
  if ((await page.textContent('#runtime-backend')) !== 'webgl') return;
  await fillSettings(page, { epochs: 1, batchSize: 4, limit: 2000 });
  await startTraining(page);
  await page.evaluate(() =>
    (
      window as unknown as { cnnkitDebug: { loseWebglContext(): Promise<boolean> } }
    ).cnnkitDebug.loseWebglContext(),
  );
  const { outcome, status } = await waitForOutcome(page);
  expect(outcome, status).toBe('context-lost');
  expect(status).toMatch(
    /The WebGL context was lost at step \d+; training stopped\. The last copy of the weights taken before the loss \(step \d+\) was kept and moved to wasm\./,
  );
  expect(await page.textContent('#runtime-backend')).toBe('wasm');
  expect(await page.isVisible('#runtime-kernels-item')).toBe(true);
  expect(await page.textContent('#runtime-kernels')).toBe('SIMD relaxed (FMA)');
  expect((await backendRows(page)).webgl?.detail).toMatch(
    /unavailable: the WebGL context was lost/,
  );
  expect(await page.textContent('#test-accuracy')).toMatch(/^Test accuracy \d+\.\d %/);
});
