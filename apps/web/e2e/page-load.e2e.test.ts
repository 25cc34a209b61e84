import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import { backendRows, openDemo, waitForBackendChecks } from './support/page.js';
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
  // The thread setting: enabled on wasm in this isolated page, on auto; the backend started
  // with every logical core (so that any count can be chosen later).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(await page.isEnabled('#thread-count')).toBe(true);
  expect(await page.inputValue('#thread-count')).toBe('auto');
  expect(await page.$$eval('#thread-count option', (o) => o.map((e) => e.textContent))).toEqual([
    `auto (${cores})`,
    ...Array.from({ length: Math.min(cores, 16) }, (_, i) => String(i + 1)),
  ]);
  expect(rows.wasm?.detail).toMatch(new RegExp(`, ${cores} threads?$`));
  // The header names the build the worker's kernels run, as simdVariant() reports it there.
  expect(await page.isVisible('#runtime-kernels')).toBe(true);
  expect(await page.textContent('#runtime-kernels-item')).toBe(
    'Training kernelsSIMD relaxed (FMA)',
  );
  expect(await page.textContent('#data-status')).toContain('2,000 training and 500 test images');
  expect(await page.textContent('#test-accuracy')).toMatch(/\/ 500 images/);
  expect(errors).toEqual([]);
});

test('Start unlocks as soon as the first backend works, before the others are checked, and says why until then', async () => {
  const page = await browser.context.newPage();
  // Every change of Start, its hint and the backend rows, timed from the page's start.
  await page.addInitScript(() => {
    const seen: { ms: number; enabled: boolean; checking: number; rows: number; hint: string }[] =
      [];
    Object.assign(window, { startSeen: seen });
    const record = () => {
      const start = document.getElementById('start') as HTMLButtonElement | null;
      if (!start) return;
      const entry = {
        ms: performance.now(),
        enabled: !start.disabled,
        checking: document.querySelectorAll('.backend-option[data-state="checking"]').length,
        rows: document.querySelectorAll('.backend-option').length,
        hint: document.getElementById('start-hint')?.textContent ?? '',
      };
      const last = seen.at(-1);
      if (
        !last ||
        last.enabled !== entry.enabled ||
        last.checking !== entry.checking ||
        last.rows !== entry.rows ||
        last.hint !== entry.hint
      ) {
        seen.push(entry);
      }
    };
    document.addEventListener('DOMContentLoaded', () => {
      record();
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
  });
  await page.goto(preview.url);
  await waitForBackendChecks(page);
  const seen = await page.evaluate(
    () =>
      (
        window as unknown as {
          startSeen: {
            ms: number;
            enabled: boolean;
            checking: number;
            rows: number;
            hint: string;
          }[];
        }
      ).startSeen,
  );
  const unlocked = seen.find((entry) => entry.enabled);
  const allChecked = seen.find((entry) => entry.rows > 0 && entry.checking === 0);
  console.log(
    `Start unlocked at ${Math.round(unlocked?.ms ?? -1)} ms, every backend checked at ${Math.round(allChecked?.ms ?? -1)} ms`,
  );
  expect(unlocked?.hint).toBe('Ready: trains on wasm.');
  expect(unlocked?.checking, 'backends still checking when Start unlocked').toBeGreaterThan(0);
  expect(unlocked?.ms).toBeLessThan(allChecked?.ms ?? 0);
  // While Start is disabled, the line beside it says what it waits for.
  const waiting = seen.filter((entry) => !entry.enabled && entry.ms < (unlocked?.ms ?? 0));
  expect(waiting.length).toBeGreaterThan(0);
  for (const entry of waiting) expect(entry.hint).toMatch(/^Start unlocks when /);
  await page.close();
});
