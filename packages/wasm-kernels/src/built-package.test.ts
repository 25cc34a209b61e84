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
      'addConfig',
      'batchMatMulConfig',
      'biasReluConfig',
      'biasReluGradConfig',
      'castConfig',
      'conv2DBackpropFilterConfig',
      'conv2DConfig',
      'conv2DBackpropInputConfig',
      'fusedSgdConfig',
      'identityConfig',
      'maxPoolGradConfig',
      'prepareWasmTrainingKernels',
      'registerWasmTrainingKernels',
      'simdVariant',
      'softmaxCrossEntropyConfig',
      'sumConfig',
      'supportedTfjsVersion',
      'wasmTrainingKernelConfigs',
    ],
  },
});

describe('the built browser entry', () => {
  it('imports no Node built-ins (node:v8 stays in the /node entry)', () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const builtIns = (file: string) =>
      [...readFileSync(join(dist, file), 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)]
        .map((match) => (match[1] as string).replace(/^node:/, ''))
        .filter((specifier) => builtinModules.includes(specifier));
    const browserFiles = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'node.js');
    expect(browserFiles).toContain('index.js');
    for (const file of browserFiles) expect(builtIns(file), file).toEqual([]);
    expect(builtIns('node.js')).toEqual(['v8']);
  });
});
