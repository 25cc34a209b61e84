import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViteApp } from '../test-support/build-vite-app.js';
import { serveDirectory } from '../test-support/serve-directory.js';

// Debian's Chromium, as apps/web's e2e tests use it; the test is skipped without it.
const chromiumPath = process.env.CNNKIT_CHROMIUM ?? '/usr/bin/chromium';

interface AppResult {
  readonly ok: boolean;
  readonly message?: string;
  readonly info?: { threads: number; kernels: string; detail: string };
  readonly dFilter?: number[];
  /** Whether a convolution divided among the threads equals the same on 1 thread, bit for bit. */
  readonly sameOnOneThread?: boolean;
  readonly crossOriginIsolated?: boolean;
}

describe.skipIf(!existsSync(chromiumPath))(
  'a minified Vite app with cnnkitWasm() and startWasmTraining({ wasmPaths }) in Chromium',
  () => {
    let outDir: string;
    let profile: string;
    let context: BrowserContext;

    beforeAll(async () => {
      outDir = await buildViteApp();
      profile = await mkdtemp(join(tmpdir(), 'cnnkit-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
    });
    afterAll(async () => {
      await context?.close();
      await rm(profile, { recursive: true, force: true });
      await rm(outDir, { recursive: true, force: true });
    });

    /**
     * Opens the app and returns what it left on globalThis.cnnkitResult; `cores` sets the
     * navigator.hardwareConcurrency the page sees.
     */
    async function open(
      app: string,
      { isolated, cores, query = '' }: { isolated: boolean; cores: number; query?: string },
    ): Promise<AppResult> {
      const server = await serveDirectory(app, { isolated });
      const page = await context.newPage();
      await page.addInitScript((count) => {
        const { navigator } = globalThis as typeof globalThis & { navigator: object };
        Object.defineProperty(Object.getPrototypeOf(navigator), 'hardwareConcurrency', {
          get: () => count,
        });
      }, cores);
      try {
        await page.goto(`${server.url}${query}`);
        const result = await page.waitForFunction(
          () => (globalThis as { cnnkitResult?: unknown }).cnnkitResult,
          undefined,
          { timeout: 120_000 },
        );
        return (await result.jsonValue()) as AppResult;
      } finally {
        await page.close();
        await server.close();
      }
    }

    it('trains on 2 threads when the page is cross-origin isolated (kernel Web Workers on a shared heap)', async () => {
      // Whatever the core count: the kernel threads are cnnkit's, not tfjs's pthread pool.
      for (const cores of [8, 2]) {
        const result = await open(outDir, { isolated: true, cores });
        expect(result.message).toBeUndefined();
        expect(result.crossOriginIsolated).toBe(true);
        expect(result.dFilter).toEqual([12, 16, 24, 28]);
        expect(result.info?.threads).toBe(2);
        expect(result.sameOnOneThread).toBe(true);
        // Chromium >= 114 validates relaxed SIMD; the shared-memory build of the module runs.
        expect(result.info?.kernels).toBe('relaxed-simd');
        expect(result.info?.detail).toMatch(
          /^@tensorflow\/tfjs-backend-wasm 4\.22\.\d+ \+ cnnkit kernels \(relaxed SIMD, FMA\), 2 threads$/,
        );
      }
    });

    it('trains on 1 thread without isolation, and says why in detail', async () => {
      const result = await open(outDir, { isolated: false, cores: 8 });
      expect(result.dFilter).toEqual([12, 16, 24, 28]);
      expect(result.info?.threads).toBe(1);
      expect(result.info?.detail).toContain(
        '1 thread (2 threads requested, but the page is not cross-origin isolated: serve it with the headers',
      );
    });

    it('rejects with the cause and the fix when wasmPaths points at the app instead of the files', async () => {
      const result = await open(outDir, {
        isolated: true,
        cores: 8,
        query: '?wasm-paths=./not-here/',
      });
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(
        /^@cnnkit\/wasm-kernels: the 'wasm' backend did not start: http:\/\/127\.0\.0\.1:\d+\/not-here\/tfjs-backend-wasm-simd\.wasm is not a \.wasm file \(text\/html, starting "<!doctype html> <html la…"\)/,
      );
      expect(result.message).toContain(
        "Serve tfjs-backend-wasm's .wasm files (node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) and pass their location as wasmPaths",
      );
    });

    it("trains without the plugin's threads fix too: startWasmTraining never loads tfjs's threaded build", async () => {
      // The fix (unit-tested in cnnkit-wasm.test.ts) is for apps that start tfjs's own
      // pthread build, whose minified workers die with "e is not defined" without it.
      const unfixed = await buildViteApp({ threadsFix: false });
      try {
        const result = await open(unfixed, { isolated: true, cores: 8 });
        expect(result.message).toBeUndefined();
        expect(result.dFilter).toEqual([12, 16, 24, 28]);
        expect(result.info?.threads).toBe(2);
      } finally {
        await rm(unfixed, { recursive: true, force: true });
      }
    });
  },
);
