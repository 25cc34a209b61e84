import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';
import { describe, expect, it } from 'vitest';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/wasm-kernels',
    names: [
      'defaultTrainingThreads',
      'prepareWasmTrainingKernels',
      'registerWasmTrainingKernels',
      'setWasmTrainingThreads',
      'simdVariant',
      'smallBatchSize',
      'startWasmTraining',
      'supportedTfjsVersion',
      'wasmTrainingDetail',
    ],
  },
});

/** What a fresh Node process gets from importing `entry`: its export names, or its error. */
function importInFreshNode(entry: string): string {
  const script = `import(${JSON.stringify(entry)}).then((m) => console.log(Object.keys(m).sort().join()), (e) => console.log(e.message));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  return run.stdout.trim();
}

describe('the other built entries', () => {
  it('export only their public API', () => {
    expect(importInFreshNode('@cnnkit/wasm-kernels/node')).toBe(
      'defaultTrainingThreads,enableRelaxedSimd,setWasmTrainingThreads,smallBatchSize,startWasmTraining,wasmTrainingDetail',
    );
    expect(importInFreshNode('@cnnkit/wasm-kernels/vite')).toBe('cnnkitWasm');
  });

  it('/wasm-paths says it needs the Vite plugin when imported without it', () => {
    expect(importInFreshNode('@cnnkit/wasm-kernels/wasm-paths')).toMatch(
      /^@cnnkit\/wasm-kernels\/wasm-paths is provided by the Vite plugin cnnkitWasm\(\): add it/,
    );
  });
});

describe('the built browser entry', () => {
  it('imports no Node built-ins (node:v8, node:os and node:worker_threads stay in the /node entry, node:module in /vite)', () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const builtIns = (file: string) =>
      [...readFileSync(join(dist, file), 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)]
        .map((match) => (match[1] as string).replace(/^node:/, ''))
        .filter((specifier) => builtinModules.includes(specifier));
    const nodeOnly = ['node.js', 'vite.js'];
    const browserFiles = readdirSync(dist).filter(
      (f) => f.endsWith('.js') && !nodeOnly.includes(f),
    );
    expect(browserFiles).toContain('index.js');
    expect(browserFiles).toContain('wasm-paths.js');
    for (const file of browserFiles) expect(builtIns(file), file).toEqual([]);
    expect(builtIns('node.js').sort()).toEqual(['os', 'v8', 'worker_threads']);
    expect(builtIns('vite.js').sort()).toEqual(['module', 'path']);
  });
});
