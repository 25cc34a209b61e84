import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViteApp } from '../test-support/build-vite-app.js';
import { wasmFileNames } from '../wasm-file-names.js';
import { fixThreadedFactory } from './threads-fix.js';
import { tfjsWasmDirectory } from './wasm-paths-module.js';

describe('the threads fix', () => {
  const factoryId =
    '/app/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

  it("declares the factory's _scriptDir on globalThis, and touches no other module", () => {
    const code =
      'var WasmBackendModuleThreadedSimd = (() => { var _scriptDir = typeof document; })';
    expect(fixThreadedFactory(code, `${factoryId}?v=1`)).toBe(
      'var WasmBackendModuleThreadedSimd = (() => { globalThis._scriptDir = typeof document; })',
    );
    expect(fixThreadedFactory(code, '/app/src/main.js')).toBeUndefined();
  });

  it("leaves Rollup's commonjs proxies of the file alone (Vite <= 7 transforms them too)", () => {
    const proxy = 'import * as m from "…/tfjs-backend-wasm-threaded-simd.js"; export default m;';
    for (const query of ['commonjs-es-import', 'commonjs-proxy', 'commonjs-exports']) {
      expect(fixThreadedFactory(proxy, `\0${factoryId}?${query}`)).toBeUndefined();
    }
  });

  it('fails the build when tfjs-backend-wasm changed so that the fix no longer applies', () => {
    expect(() => fixThreadedFactory('var scriptDirectory = "";', factoryId)).toThrow(
      `${factoryId}: expected one "var _scriptDir = typeof document", found 0: tfjs-backend-wasm changed`,
    );
  });
});

describe('a Vite app built with cnnkitWasm() (minified)', () => {
  let outDir: string;
  let js: string;

  beforeAll(async () => {
    outDir = await buildViteApp();
    const assets = join(outDir, 'assets');
    const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    js = (await Promise.all(scripts.map((name) => readFile(join(assets, name), 'utf8')))).join(
      '\n',
    );
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it("emits tfjs-backend-wasm's three .wasm files unchanged, and wasmPaths names each", async () => {
    const assets = await readdir(join(outDir, 'assets'));
    for (const name of wasmFileNames) {
      const stem = name.replace(/\.wasm$/, '');
      const emitted = assets.find((asset) => new RegExp(`^${stem}-[\\w-]+\\.wasm$`).test(asset));
      expect(emitted, name).toBeDefined();
      const bytes = await readFile(join(outDir, 'assets', emitted as string));
      expect(bytes.equals(await readFile(join(tfjsWasmDirectory(), name))), name).toBe(true);
      // The map's key, and the emitted file's name in the same bundle.
      expect(js).toContain(`"${name}"`);
      expect(js).toContain(emitted);
    }
  });

  it("keeps the threaded factory's _scriptDir a global through minification", () => {
    expect(js).toMatch(/globalThis\._scriptDir\s*=\s*typeof document/);
    expect(js).not.toMatch(/var _scriptDir\s*=/);
  });
});
