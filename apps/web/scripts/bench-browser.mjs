#!/usr/bin/env node
// In-browser training speed of SimpleCNN per TensorFlow.js backend, in headless Chromium.
//
//   pnpm --filter @cnnkit/web bench:browser            (turbo builds the app first)
//   node scripts/bench-browser.mjs --seconds 8 --repeats 3 --backends wasm,webgl
//   node scripts/bench-browser.mjs --backends wasm --threads 1,2   (wasm per thread count)
//
// Serves the production build with `vite preview` (COOP/COEP: threaded wasm) on 127.0.0.1,
// opens it with ?debug and times the page's own training worker: the trainer's real loop
// (SGD with momentum, tutorial transform) on the embedded sample, warm-up steps excluded.
// Prints a Markdown table (the best of the repeats per cell, and every run).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { CHROMIUM_PATH, launchChromium } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'wasm,webgl,webgpu,cpu' },
    batches: { type: 'string', default: '4,64' },
    // wasm's kernel threads, one row each; default: the count the page's wasm backend started
    // with (all logical cores).
    threads: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const wanted = values.backends.split(',');
const batchSizes = values.batches.split(',').map(Number);
/** @type {(number | undefined)[]} */
const wasmThreads = values.threads ? values.threads.split(',').map(Number) : [undefined];

/**
 * The page's `window.cnnkitDebug` (src/main.ts sets it with `?debug`), as this script uses it.
 * @typedef {{ cnnkitDebug: { benchmark(options: BenchmarkOptions): Promise<BenchmarkResult> } }} DebugWindow
 * @typedef {{ backend: string, batchSize: number, warmupSteps: number, seconds: number, threads?: number }} BenchmarkOptions
 * @typedef {{ threads: number, imagesPerSecond: number, steps: number, seconds: number }} BenchmarkResult
 */

const appDir = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${appDir}dist/index.html`)) {
  console.error('apps/web/dist is missing: run `pnpm --filter @cnnkit/web build` first.');
  process.exit(1);
}

const server = await preview({
  root: appDir,
  logLevel: 'warn',
  preview: { host: '127.0.0.1', port: 0, open: false },
});
const url = server.resolvedUrls?.local[0];
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${url}?debug`);
  await page.waitForSelector('body[data-phase="idle"]', { timeout: 180_000 });
  // Start unlocks after the first backend's check; the others are checked after it.
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.backend-option').length > 0 &&
      document.querySelectorAll('.backend-option[data-state="checking"]').length === 0,
    undefined,
    { timeout: 180_000 },
  );
  const rows = await page.$$eval('.backend-option', (elements) =>
    elements.map((row) => ({
      name: row.dataset.backend ?? '',
      state: row.dataset.state,
      detail: row.querySelector('.backend-detail')?.textContent ?? '',
    })),
  );
  /** @type {{ backend: string, threads: number | null, detail: string, cells: { batchSize: number, runs: number[] }[] | null }[]} */
  const results = [];
  for (const row of rows.filter((r) => wanted.includes(r.name))) {
    if (row.state !== 'ok') {
      results.push({ backend: row.name, threads: null, detail: row.detail, cells: null });
      continue;
    }
    for (const threads of row.name === 'wasm' ? wasmThreads : [undefined]) {
      let ranThreads = 1;
      const cells = [];
      for (const batchSize of batchSizes) {
        const runs = [];
        for (let r = 0; r < repeats; r++) {
          // Runs in the page: the function's source is sent there, so it names nothing from here.
          const result = await page.evaluate(
            (options) =>
              /** @type {DebugWindow} */ (/** @type {unknown} */ (window)).cnnkitDebug.benchmark(
                options,
              ),
            {
              backend: row.name,
              batchSize,
              warmupSteps: batchSize >= 32 ? 3 : 20,
              seconds,
              ...(threads === undefined ? {} : { threads }),
            },
          );
          runs.push(result.imagesPerSecond);
          ranThreads = result.threads;
          process.stderr.write(
            `${row.name} ${result.threads} thread(s) batch ${batchSize}: ${result.imagesPerSecond.toFixed(0)} images/s (${result.steps} steps in ${result.seconds.toFixed(1)} s)\n`,
          );
        }
        cells.push({ batchSize, runs });
      }
      const detail =
        (await page.$eval(
          `.backend-option[data-backend="${row.name}"] .backend-detail`,
          (e) => e.textContent,
        )) ?? row.detail;
      results.push({ backend: row.name, threads: ranThreads, detail, cells });
    }
  }

  const chromiumVersion = execFileSync(CHROMIUM_PATH, ['--version'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
  const isolated = await page.textContent('#runtime-isolated');
  console.log(
    `\n${chromiumVersion}, headless; ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; cross-origin isolated: ${isolated}`,
  );
  console.log(
    `SimpleCNN training images/s on the embedded sample; best of ${repeats} runs of ≥ ${seconds} s each, warm-up excluded.\n`,
  );
  console.log(
    `| backend | threads | ${batchSizes.map((b) => `batch ${b}`).join(' | ')} | runs | backend details |`,
  );
  console.log(`| --- | ---: | ${batchSizes.map(() => '---:').join(' | ')} | --- | --- |`);
  for (const { backend, threads, detail, cells } of results) {
    if (!cells) {
      console.log(`| ${backend} | – | ${batchSizes.map(() => '–').join(' | ')} | – | ${detail} |`);
      continue;
    }
    const best = cells.map(({ runs }) => Math.max(...runs).toFixed(0));
    const all = cells
      .map(({ batchSize, runs }) => `${batchSize}: ${runs.map((v) => v.toFixed(0)).join('/')}`)
      .join('; ');
    console.log(`| ${backend} | ${threads} | ${best.join(' | ')} | ${all} | ${detail} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
