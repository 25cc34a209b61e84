import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(packageDir, 'dist');

describe('the built package', () => {
  it('imports in a fresh Node process with empty stderr', () => {
    const script = `
      const core = await import('@cnnkit/datasets');
      const node = await import('@cnnkit/datasets/node');
      console.log(typeof core.DataLoader, typeof core.cifar10FromArchiveBytes, typeof node.downloadCifar10);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function function function');
  });

  it('keeps Node built-ins out of the browser entry', () => {
    // index.js and the chunks it shares with node.js must not import fs, http, zlib, …
    const browserFiles = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'node.js');
    for (const file of browserFiles) {
      const imports = [...readFileSync(join(dist, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map(
        (m) => m[1],
      );
      for (const name of imports) expect(name).toMatch(/^(\.\/|@cnnkit\/random$|fflate$)/);
    }
  });
});
