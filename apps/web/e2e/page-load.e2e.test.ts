import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import { backendRows, openDemo } from './support/page.js';
import { startPreview } from './support/preview-server.js';

let browser: LaunchedChromium;
let preview: Awaited<ReturnType<typeof startPreview>>;

beforeAll(async () => {
  preview = await startPreview('/demo/');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await preview?.server.close();
});

test('the page loads under a sub-path with no console errors, checks backends and shows the sample', async () => {
  const { page, errors } = await openDemo(browser.context, preview.url);
  const rows = await backendRows(page);
  console.log('backends:', JSON.stringify(rows, null, 1));
  expect(Object.keys(rows).sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
  expect(rows.wasm?.state).toBe('ok');
  // @cnnkit/wasm-kernels' SIMD module runs on the (shared-memory) wasm backend in the browser,
  // in its relaxed-SIMD build: Chromium >= 114 validates relaxed SIMD. The row shows what
  // startWasmTraining() reported.
  expect(rows.wasm?.detail).toMatch(
    /^@tensorflow\/tfjs-backend-wasm 4\.22\.\d+ \+ cnnkit kernels \(relaxed SIMD, FMA\), \d+ threads?$/,
  );
  expect(rows.cpu?.state).toBe('ok');
  for (const row of Object.values(rows)) expect(row.state).not.toBe('checking');
  expect(await page.textContent('#runtime-isolated')).toBe('yes');
  expect(await page.textContent('#runtime-backend')).toBe('wasm');
  expect(Number(await page.textContent('#runtime-threads'))).toBeGreaterThanOrEqual(1);
  // The header names the build the worker's kernels run, as simdVariant() reports it there.
  expect(await page.isVisible('#runtime-kernels')).toBe(true);
  expect(await page.textContent('#runtime-kernels-item')).toBe(
    'Training kernelsSIMD relaxed (FMA)',
  );
  expect(await page.textContent('#data-status')).toContain('2,000 training and 500 test images');
  expect(await page.textContent('#test-accuracy')).toMatch(/\/ 500 images/);
  expect(errors).toEqual([]);
});
