// Runs the README's example lines with the built binary, in a fresh directory, the way a
// user who installed @cnnkit/cli would (turbo builds the CLI before its tests).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(packageDir, 'dist', 'bin.js');

describe('README example', () => {
  it('runs every `cnnkit` line of the example and each exits 0', async () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const block = /## Example[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.split('\n').filter((line) => line.startsWith('cnnkit '));
    expect(lines).toHaveLength(3);
    const cwd = await mkdtemp(join(tmpdir(), 'cnnkit-readme-'));
    const outputs: string[] = [];
    for (const line of lines) {
      const args = line.split(/\s+/).slice(1);
      const run = spawnSync(process.execPath, [bin, ...args], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', CNNKIT_CACHE_DIR: join(cwd, 'cache') },
      });
      expect(run.status, `${line}\n${run.stderr}`).toBe(0);
      outputs.push(run.stdout + run.stderr);
    }
    expect(existsSync(join(cwd, 'my-run', 'simple-cnn.safetensors'))).toBe(true);
    expect(outputs[1]).toMatch(/test accuracy [\d.]+ % on 500 images, loss [\d.]+/);
    expect(outputs[1]).toMatch(/airplane +[\d.]+ %/);
    expect(outputs[2]).toMatch(/wasm/);
  }, 300_000);
});
