// `pnpm bench --time-to-accuracy` through the built benchmark on the embedded sample, with a
// narrow net and one short epoch: the shape of what it prints, never its speed or accuracy.
// The PyTorch side needs /usr/bin/python3 with torch; without it, it is skipped with a message.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeTorch } from './pytorch-reference.js';
import type { TimeToAccuracyResult } from './time-to-accuracy.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const torch = probeTorch('/usr/bin/python3');
if (!torch.ok) console.warn(`time-to-accuracy test: PyTorch skipped — ${torch.reason}`);

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
});

describe('pnpm bench --time-to-accuracy', () => {
  it('trains the fast recipe with cnnkit and PyTorch and reports both', async () => {
    const run = await bench(
      [
        ['--time-to-accuracy', '--data', 'sample', '--seeds', '0', '--epochs', '1'],
        ['--batch-size', '32', '--widths', '8,16,16', '--limit', '64', '--test-limit', '50'],
        ['--targets', '0.01,0.99', '--json', ...(torch.ok ? [] : ['--no-pytorch'])],
      ].flat(),
    );
    expect(run.stderr).toContain('cnnkit, seed 0');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as TimeToAccuracyResult;
    expect(result.settings).toMatchObject({ recipe: 'fast', epochs: 1, batchSize: 32 });
    expect(result.runners.map((r) => r.runner)).toEqual(
      torch.ok ? ['cnnkit', 'pytorch'] : ['cnnkit'],
    );
    for (const runner of result.runners) {
      const [only] = runner.runs;
      expect(runner.runs).toHaveLength(1);
      expect(only?.curve).toHaveLength(1);
      expect(only?.imagesPerSecond).toBeGreaterThan(0);
      // 2 steps of 32 on 64 images; any net beats 1 % on 50 images, none reaches 99 % so soon.
      expect(only?.minutesTo[0]).toBe((only?.curve[0]?.trainSeconds ?? 0) / 60);
      expect(only?.minutesTo[1]).toBeNull();
    }
    expect(result.cnnkitPeakRssBytes).toBeGreaterThan(0);
  }, 300_000);
});
