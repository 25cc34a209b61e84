import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('README example', () => {
  it('runs against the built package: stops, resumes, learns', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script as string], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    // tfjs-core's own advice to install tfjs-node is the only stderr output allowed.
    const stderr = run.stderr.replace(
      /\n=+\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\n=+\n/,
      '',
    );
    expect(stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('aborted at step 7');
    expect(lines.filter((l) => /^\[\d, {5}[24]\] loss: \d\.\d{3}$/.test(l))).toHaveLength(10);
    const last = lines.at(-1) as string;
    expect(last).toMatch(/^completed at step 20, accuracy /);
    expect(Number(last.split(' ').at(-1))).toBeGreaterThanOrEqual(0.9);
  });
});
