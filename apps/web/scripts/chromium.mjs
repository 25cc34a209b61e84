// Launching Debian's Chromium with playwright-core, shared by the e2e tests and bench:browser.
// Plain JavaScript so that `node scripts/bench-browser.mjs` runs without a TypeScript loader.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.CNNKIT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium on a machine with a closed network and no GPU: the network
 * flags stop background connections (refused here, many at a time), and SwiftShader gives
 * WebGL and WebGPU a software GPU. WebGPU needs the GPU process, so `--disable-gpu` is not
 * passed (with it, navigator.gpu offers no adapter); headless Linux WebGPU is still behind
 * `--enable-unsafe-webgpu`.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

/** Starts Chromium with a fresh, throw-away profile directory. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (or set CNNKIT_CHROMIUM).`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'cnnkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    version: context.browser()?.version() ?? 'unknown',
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
