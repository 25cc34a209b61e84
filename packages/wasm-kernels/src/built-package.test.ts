import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function runModule(script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
  });
}

describe.skipIf(!existsSync(join(packageDir, 'dist', 'index.js')))('the built package', () => {
  it('runs the README example in a fresh Node process and prints what the README says', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    expect(printed).toBeDefined();
    const run = runModule(script as string);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(printed);
  });

  it('exports only the public API', () => {
    const run = runModule(
      "console.log(Object.keys(await import('@cnnkit/wasm-kernels')).sort().join(','));",
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(
      'addConfig,batchMatMulConfig,castConfig,conv2DBackpropFilterConfig,conv2DBackpropInputConfig,fusedSgdConfig,fusedSgdKernelName,identityConfig,maxPoolGradConfig,prepareWasmTrainingKernels,registerWasmTrainingKernels,sumConfig,supportedTfjsVersion,wasmTrainingKernelConfigs',
    );
  });
});
