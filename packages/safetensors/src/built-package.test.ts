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

// Run `pnpm build` first; these check what users get, not the sources.
describe.skipIf(!existsSync(join(packageDir, 'dist', 'index.js')))('built package', () => {
  it('runs the README example and prints what the README says', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    expect(printed).toBeDefined();
    const run = runModule(script as string);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(printed);
  });

  it('imports in a fresh process with only the public exports', () => {
    const run = runModule(
      "const m = await import('@cnnkit/safetensors'); console.log(Object.keys(m).sort().join(','));",
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(
      'DTYPE_BYTES,decodeSafetensors,encodeSafetensors,tensorToBigInt64,tensorToFloat32,tensorValues',
    );
  });
});
