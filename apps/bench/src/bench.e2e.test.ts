// Runs the built benchmark in a fresh process on the embedded sample with tiny counts and
// checks the shape of what it prints — never its speed. The PyTorch part needs
// /usr/bin/python3 with torch; without it those checks are skipped with a message.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeTorch } from './pytorch-reference.js';
import type { BenchResult } from './types.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const referenceScript = fileURLToPath(
  new URL('../../../scripts/pytorch/bench_reference.py', import.meta.url),
);
const python = '/usr/bin/python3';
const torch = probeTorch(python);
if (!torch.ok) {
  console.warn(`bench smoke test: PyTorch checks skipped — ${torch.reason}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  const child = spawn(command, args, { env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const bench = (args: string[]) => run(process.execPath, [bin, ...args]);

// Tiny counts: a few batches of the sample, no speed expectations.
const tiny = [
  '--data',
  'sample',
  '--backends',
  'wasm',
  '--batch-sizes',
  '4,8',
  '--warmup',
  '1',
  '--batches',
  '2',
  '--repeats',
  '2',
  '--eval-batch',
  '50',
  '--eval-images',
  '100',
  '--eval-repeats',
  '1',
];

const cpus = availableParallelism();
let work: string;
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  work = await mkdtemp(join(tmpdir(), 'cnnkit-bench-'));
});

describe('pnpm bench (built)', () => {
  it('answers bad flags with usage and exit code 2, and --help with exit code 0', async () => {
    const bad = await bench(['--backends', 'gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown backend 'gpu'");
    expect(bad.stderr).toContain('Usage: pnpm bench');
    const help = await bench(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--data <archive|dir|sample>');
  });

  it('says what to do when the data is missing, with exit code 1', async () => {
    const missing = await bench(['--data', join(work, 'nothing.tar.gz'), '--no-pytorch']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nothing.tar.gz');
    expect(missing.stderr).toContain('--data sample');
  });

  it('times wasm training and evaluation per thread count and prints JSON, without PyTorch', async () => {
    const result = await bench([...tiny, '--threads', '1,2', '--no-pytorch', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as BenchResult;
    expect(parsed.settings).toMatchObject({
      data: 'sample',
      trainImages: 2000,
      testImages: 500,
      batchSizes: [4, 8],
      repeats: 2,
    });
    expect(parsed.machine.cores).toBeGreaterThan(0);
    expect(parsed.machine.tfjsBackendWasm).toBe('4.22.0');
    expect(parsed.machine.wasmThreads).toEqual([1, 2]);
    expect(parsed.runners).toEqual([
      { runner: 'wasm', ok: true, detail: expect.stringContaining('tfjs-backend-wasm 4.22.0') },
      { runner: 'pytorch', ok: false, reason: 'skipped (--no-pytorch)' },
    ]);
    expect(
      parsed.rows.map((row) => [
        row.task,
        row.runner,
        row.threads,
        row.batchSize,
        row.images,
        row.runs,
      ]),
    ).toEqual([
      ['train', 'wasm', 1, 4, 8, 2],
      ['train', 'wasm', 2, 4, 8, 2],
      ['train', 'wasm', 1, 8, 16, 2],
      ['train', 'wasm', 2, 8, 16, 2],
      ['eval', 'wasm', 1, 50, 100, 1],
      ['eval', 'wasm', 2, 50, 100, 1],
    ]);
    for (const row of parsed.rows) {
      expect(row.median).toBeGreaterThan(0);
      const oneThread = parsed.rows.find(
        (other) =>
          other.task === row.task && other.batchSize === row.batchSize && other.threads === 1,
      );
      expect(row.scaling).toBe(
        row.threads === 1 ? null : row.median / (2 * (oneThread?.median as number)),
      );
      expect(row.min).toBeLessThanOrEqual(row.median);
      expect(row.max).toBeGreaterThanOrEqual(row.median);
      expect(row.ratioToPytorch).toBeNull();
      expect(row.pairedRatio).toBeNull();
    }
    expect(result.stderr).toContain('bench: train wasm 1 thread batch 4 run 2/2:');
    expect(result.stderr).toContain('bench: train wasm 2 threads batch 4 run 2/2:');
  });

  it.skipIf(!torch.ok)(
    'alternates with PyTorch, prints the table with ratios and writes --markdown',
    async () => {
      const pycache = fileURLToPath(
        new URL('../../../scripts/pytorch/__pycache__', import.meta.url),
      );
      const pycacheBefore = existsSync(pycache);
      const markdown = join(work, 'bench.md');
      const result = await bench([...tiny, '--batch-sizes', '4', '--markdown', markdown]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('pytorch: torch ');
      // Columns: task, runner, threads, batch, images/run, img/s, runs, scaling, vs PyTorch, paired.
      expect(result.stdout).toMatch(
        /^train\s+wasm\s+\d+\s+4\s+8\s.*\s2\s+—\s+\d+\.\d+×\s+\d+\.\d+× \[\d+\.\d+×–\d+\.\d+×\]$/m,
      );
      // PyTorch on 1 thread at batch 4 (its best there), on all cores elsewhere.
      expect(result.stdout).toMatch(/^train\s+pytorch\s+1\s+4\s+8\s.*\s2\s+—\s+1\.00×\s+—$/m);
      expect(result.stdout).toMatch(
        new RegExp(`^eval\\s+pytorch\\s+${cpus}\\s+50\\s+100\\s.*\\s1\\s+—\\s+1\\.00×\\s+—$`, 'm'),
      );
      // A B A B: every wasm run is followed by a PyTorch run.
      expect(result.stderr).toMatch(
        /train wasm \d+ threads? batch 4 run 1\/2: .* img\/s \| pytorch .* img\/s\n.*train wasm \d+ threads? batch 4 run 2\/2/,
      );
      const written = await readFile(markdown, 'utf8');
      expect(written).toContain(`pnpm bench ${[...tiny, '--batch-sizes', '4'].join(' ')}`);
      // Nothing written into the repo: the reference runs with python -B.
      expect(existsSync(pycache)).toBe(pycacheBefore);
      expect(written).toMatch(
        /^\| train \| pytorch \| +1 \| +4 \| +8 \| .* \| +2 \| +— \| +1\.00× \| +— \|$/m,
      );
    },
  );

  it.skipIf(!torch.ok)('bench_reference.py prints JSON in one-shot mode', async () => {
    const result = await run(python, [
      '-B',
      referenceScript,
      '--data',
      cifar10SamplePath(),
      '--batch-sizes',
      '4',
      '--warmup',
      '1',
      '--batches',
      '2',
      '--repeats',
      '2',
      '--eval-batch',
      '250',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      threads: 1,
      trainImages: 2000,
      testImages: 500,
      train: [{ batchSize: 4, warmupBatches: 1, timedBatches: 2 }],
      eval: { batchSize: 250, images: 500 },
    });
    expect(parsed.train[0].imagesPerSecond).toHaveLength(2);
    expect(parsed.eval.imagesPerSecond).toHaveLength(2);
  });
});
