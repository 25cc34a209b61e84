import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Runs against dist/ (turbo builds the package before its tests): what users get.
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
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(printed);
  });
});
