#!/usr/bin/env node
// In-browser training speed per TensorFlow.js backend, in headless Chromium, against Node.
//
//   pnpm --filter @cnnkit/web bench:browser            (turbo builds the app first)
//   node scripts/bench-browser.mjs --seconds 8 --repeats 3 --backends wasm,webgl
//   node scripts/bench-browser.mjs --backends wasm --threads 1,2   (wasm per thread count)
//   node scripts/bench-browser.mjs --recipe fast --batches 512 --seconds 20   (AirbenchNet)
//
// Serves the production build with `vite preview` (COOP/COEP: threaded wasm) on 127.0.0.1,
// opens it with ?debug and times the page's own training worker: @cnnkit/recipes'
// timeRecipeTraining, the trainer's real loop with the recipe's model, optimizer, method and
// transforms (`--recipe tutorial`: SimpleCNN, SGD with momentum; `--recipe fast`: AirbenchNet
// with airbench's method) on the embedded sample, warm-up steps excluded. After each wasm run
// the same function runs in Node (scripts/bench-node.mjs, a fresh process: wasm backend and
// kernel threads as `cnnkit train` starts them) with the page's thread count, unless
// `--skip-node`. Prints Markdown tables (the best of the repeats per cell, and every run; the
// ratio browser / Node of the bests).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { CHROMIUM_PATH, launchChromium } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'tutorial' },
    seconds: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '2' },
    // Defaults per recipe: below.
    backends: { type: 'string', default: '' },
    batches: { type: 'string', default: '' },
    // Steps before the clock starts; default 20 below batch 32, else 3.
    warmup: { type: 'string', default: '' },
    // wasm's kernel threads, one row each; default: the count the page's wasm backend started
    // with (all logical cores).
    threads: { type: 'string', default: '' },
    'skip-node': { type: 'boolean', default: false },
  },
});
/** What each recipe trains, and its defaults: AirbenchNet is too slow for the software GPUs. */
const RECIPES = {
  tutorial: {
    what: 'SimpleCNN, tutorial recipe (SGD lr 0.001 momentum 0.9, tutorial transform)',
    backends: 'wasm,webgl,webgpu,cpu',
    batches: '4,64',
  },
  fast: {
    what: "AirbenchNet 64/128/128, fast recipe (airbench's Nesterov SGD, label smoothing, lookahead, flip + translate)",
    backends: 'wasm',
    batches: '512',
  },
};
const recipe = /** @type {keyof typeof RECIPES} */ (values.recipe);
if (!Object.hasOwn(RECIPES, recipe)) {
  console.error(`--recipe must be one of ${Object.keys(RECIPES).join(', ')}, got ${recipe}.`);
  process.exit(1);
}
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const wanted = (values.backends || RECIPES[recipe].backends).split(',');
const batchSizes = (values.batches || RECIPES[recipe].batches).split(',').map(Number);
/** @param {number} batchSize */
const warmupFor = (batchSize) => (values.warmup ? Number(values.warmup) : batchSize >= 32 ? 3 : 20);
/** @type {(number | undefined)[]} */
const wasmThreads = values.threads ? values.threads.split(',').map(Number) : [undefined];

/**
 * The page's `window.cnnkitDebug` (src/main.ts sets it with `?debug`), as this script uses it.
 * @typedef {{ cnnkitDebug: { benchmark(options: BenchmarkOptions): Promise<BenchmarkResult> } }} DebugWindow
 * @typedef {{ backend: string, recipe: string, batchSize: number, warmupSteps: number, seconds: number, threads?: number }} BenchmarkOptions
 * @typedef {{ threads: number, imagesPerSecond: number, steps: number, seconds: number }} BenchmarkResult
 * @typedef {BenchmarkResult & { detail: string }} NodeResult
 */

const benchNode = fileURLToPath(new URL('bench-node.mjs', import.meta.url));

/**
 * The same timing in Node (scripts/bench-node.mjs), in a fresh process.
 * @param {{ batchSize: number, warmupSteps: number, threads: number }} options
 * @returns {Promise<NodeResult>}
 */
function timeInNode({ batchSize, warmupSteps, threads }) {
  const args = [
    benchNode,
    ...['--recipe', recipe, '--batch', String(batchSize), '--threads', String(threads)],
    ...['--warmup', String(warmupSteps), '--seconds', String(seconds)],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

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
  /** @type {{ backend: string, threads: number | null, detail: string, cells: { batchSize: number, runs: number[], nodeRuns: number[] }[] | null }[]} */
  const results = [];
  let nodeDetail = '';
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
        const nodeRuns = [];
        for (let r = 0; r < repeats; r++) {
          // Runs in the page: the function's source is sent there, so it names nothing from here.
          const result = await page.evaluate(
            (options) =>
              /** @type {DebugWindow} */ (/** @type {unknown} */ (window)).cnnkitDebug.benchmark(
                options,
              ),
            {
              backend: row.name,
              recipe,
              batchSize,
              warmupSteps: warmupFor(batchSize),
              seconds,
              ...(threads === undefined ? {} : { threads }),
            },
          );
          runs.push(result.imagesPerSecond);
          ranThreads = result.threads;
          process.stderr.write(
            `browser ${row.name} ${result.threads} thread(s) ${recipe} batch ${batchSize}: ${result.imagesPerSecond.toFixed(0)} images/s (${result.steps} steps in ${result.seconds.toFixed(1)} s)\n`,
          );
          // Node right after, with the threads the page computed with: the two see the same load.
          if (row.name !== 'wasm' || values['skip-node']) continue;
          const node = await timeInNode({
            batchSize,
            warmupSteps: warmupFor(batchSize),
            threads: result.threads,
          });
          nodeRuns.push(node.imagesPerSecond);
          nodeDetail = node.detail;
          process.stderr.write(
            `node    ${row.name} ${node.threads} thread(s) ${recipe} batch ${batchSize}: ${node.imagesPerSecond.toFixed(0)} images/s (${node.steps} steps in ${node.seconds.toFixed(1)} s)\n`,
          );
        }
        cells.push({ batchSize, runs, nodeRuns });
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
    `${RECIPES[recipe].what}: training images/s on the embedded sample; best of ${repeats} runs of ≥ ${seconds} s each, warm-up excluded.\n`,
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

  const compared = results.flatMap(({ backend, threads, cells }) =>
    (cells ?? [])
      .filter(({ nodeRuns }) => nodeRuns.length > 0)
      .map((cell) => ({ backend, threads, ...cell })),
  );
  if (compared.length > 0) {
    console.log(
      `\nThe same function in Node ${process.versions.node} (scripts/bench-node.mjs, run after each browser run): ${nodeDetail}.\n`,
    );
    console.log(
      '| backend | threads | batch | browser | Node | browser / Node | browser runs | Node runs |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    for (const { backend, threads, batchSize, runs, nodeRuns } of compared) {
      const browser = Math.max(...runs);
      const node = Math.max(...nodeRuns);
      /** @param {number[]} list */
      const listed = (list) => list.map((v) => v.toFixed(0)).join(' / ');
      console.log(
        `| ${backend} | ${threads} | ${batchSize} | ${browser.toFixed(0)} | ${node.toFixed(0)} | ${(browser / node).toFixed(2)}× | ${listed(runs)} | ${listed(nodeRuns)} |`,
      );
    }
  }
} finally {
  await browser.close();
  await server.close();
}
