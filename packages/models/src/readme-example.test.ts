import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** tfjs-core's advice to install tfjs-node is the only stderr output allowed. */
function withoutTfjsNodeAdvice(stderr: string): string {
  return stderr.replace(
    /\n=+\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\n=+\n/,
    '',
  );
}

describe.skipIf(!existsSync(join(packageDir, 'dist', 'index.js')))('built package', () => {
  it('runs the README example and prints what the README says', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    expect(printed).toBeDefined();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script as string], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(withoutTfjsNodeAdvice(run.stderr)).toBe('');
    expect(run.stdout).toBe(printed);
  });

  it('imports in a fresh process with only the public exports', () => {
    const script = `
      const models = await import('@cnnkit/models');
      console.log(Object.keys(models).sort().join(','));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(withoutTfjsNodeAdvice(run.stderr)).toBe('');
    expect(run.stdout.trim()).toBe(
      [
        'MODEL_NAMES',
        'SIMPLE_CNN_LAYOUTS',
        'SimpleCNN',
        'WeightsMismatchError',
        'biasLayout',
        'conv2dWeightLayout',
        'createModel',
        'decodeTorchWeights',
        'encodeTorchWeights',
        'linearWeightLayout',
        'pytorchDefaultInit',
      ].join(','),
    );
  });
});
