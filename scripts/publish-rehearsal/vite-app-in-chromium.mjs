// @ts-check
// Serves a built Vite app with its own `vite preview` (which sends the COOP/COEP headers its
// vite.config asks for), opens it in headless Chromium and checks what the page shows: that
// it is cross-origin isolated, that cnnkit's kernels compute on as many threads as the machine
// has logical cores (the default of startWasmTraining: tfjs-backend-wasm's single-threaded SIMD
// build on a shared heap, plus kernel Web Workers), a sane test accuracy, and a console without
// errors or warnings (the app's worker and the kernel workers included).
// Usage: node vite-app-in-chromium.mjs <app dir>   (after `vite build` there)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { launchChromium } from '../../apps/web/scripts/chromium.mjs';
import { saneTestAccuracy } from './test-accuracy.mjs';

const [appDir] = process.argv.slice(2);
if (!appDir) throw new Error('usage: node vite-app-in-chromium.mjs <app dir>');

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * `vite preview` of the app in `dir`, once it answers.
 * @param {string} dir
 * @returns {Promise<{ url: string, headers: Headers, stop(): void }>}
 */
async function startPreview(dir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const vite = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
  const preview = spawn(
    process.execPath,
    [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  preview.stdout.on('data', (chunk) => (log += chunk));
  preview.stderr.on('data', (chunk) => (log += chunk));
  const stop = () => preview.kill();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && preview.exitCode == null) {
    try {
      const response = await fetch(url);
      if (response.ok) return { url, headers: response.headers, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error(`vite preview did not serve ${url} within 30 s; its output:\n${log}`);
}

const preview = await startPreview(appDir);
const chromium = await launchChromium();
try {
  console.log(
    `vite preview on ${preview.url}: Cross-Origin-Opener-Policy ${preview.headers.get('cross-origin-opener-policy')}, ` +
      `Cross-Origin-Embedder-Policy ${preview.headers.get('cross-origin-embedder-policy')}`,
  );
  const page = await chromium.context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  /** @type {string[]} */
  const wasmFiles = [];
  page.on('request', (request) => {
    const file = /[^/]+\.wasm$/.exec(new URL(request.url()).pathname)?.[0];
    if (file) wasmFiles.push(file);
  });

  const started = performance.now();
  await page.goto(preview.url);
  await page.locator('#log', { hasText: /^(test accuracy|failed)/m }).waitFor({ timeout: 180_000 });
  const seconds = (performance.now() - started) / 1000;
  const lines = (await page.locator('#log').textContent())?.trim().split('\n') ?? [];
  /** @type {{ isolated: unknown, cores: number }} */
  const { isolated, cores } = await page.evaluate(
    '({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency })',
  );
  await page.close();
  console.log(`Chromium ${chromium.version}, navigator.hardwareConcurrency ${cores}`);
  for (const line of lines) console.log(`page: ${line}`);

  if (isolated !== true) problems.push(`crossOriginIsolated is ${isolated}, not true`);
  // startWasmTraining's default: navigator.hardwareConcurrency threads.
  const expectedThreads = cores;
  const threads = Number(
    /, (\d+) threads?\b/.exec(lines.find((l) => l.includes(' + cnnkit kernels (')) ?? '')?.[1],
  );
  if (threads !== expectedThreads) {
    problems.push(
      `expected the page to report ${expectedThreads} thread(s) on ${cores} cores, got ${threads}`,
    );
  }
  // The kernel threads share the single-threaded SIMD build's heap; tfjs's pthread build is
  // not needed.
  if (!wasmFiles.some((file) => file.startsWith('tfjs-backend-wasm-simd'))) {
    problems.push(`the SIMD build was not loaded (.wasm requests: ${wasmFiles.join(', ')})`);
  }
  const accuracy = saneTestAccuracy(lines, 'the Vite app');
  if (problems.length > 0) throw new Error(`the Vite app in Chromium:\n  ${problems.join('\n  ')}`);
  console.log(
    `crossOriginIsolated true; SIMD build on a shared heap (${wasmFiles.join(', ')}), ${threads} thread(s) ` +
      `(one per logical core); test accuracy ${accuracy} % (sane); no console errors or warnings; ` +
      `${seconds.toFixed(1)} s from page load to accuracy`,
  );
} finally {
  await chromium.close();
  preview.stop();
}
