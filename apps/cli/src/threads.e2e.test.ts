// The built `cnnkit` binary with --threads, in fresh processes: same weights for any number of
// threads and run after run, exact resume across thread counts, evaluation and prediction on
// threads, and no worker left behind by kill -9 or Ctrl-C. Uses the embedded sample.
// (Where threads cannot run, @cnnkit/wasm-kernels' node.test.ts checks the one-line notice:
// Node 20's own module loader needs SharedArrayBuffer, so the CLI cannot start without it.)
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, CI: 'true' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return (
          /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] === `${pid}`
        );
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** The OS threads of process `pid` (Linux /proc). */
const threadsOf = (pid: number): number =>
  Number(/^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let work: string;
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  work = await mkdtemp(join(tmpdir(), 'cnnkit-threads-'));
});

// 240 steps of batch 4 with a checkpoint every 25: long enough to be killed mid-run.
const recipe = [
  'train',
  '--data',
  'sample',
  '--limit',
  '480',
  '--epochs',
  '2',
  '--checkpoint-every',
  '25',
  '--json',
];
const weightsOf = (dir: string) => join(dir, 'simple-cnn.safetensors');
const threadsNote = (threads: string) => `, ${threads} thread${threads === '1' ? '' : 's'})`;

describe('cnnkit --threads (built binary)', () => {
  let reference: string;

  it('trains bit-identical weights run after run on 2 threads, and the same as on 1 thread', async () => {
    const hashes: string[] = [];
    for (const [name, threads] of [
      ['a', '2'],
      ['b', '2'],
      ['one', '1'],
    ] as const) {
      const out = join(work, name);
      const run = await start([...recipe, '--threads', threads, '--out', out]).done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(threadsNote(threads));
      hashes.push(sha256(weightsOf(out)));
    }
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[2]).toBe(hashes[0]);
    reference = hashes[0] as string;
  }, 300_000);

  it('leaves no worker behind after kill -9 (the workers are threads of the process) and resumes exactly on 1 thread', async () => {
    const threadCounts: number[] = [];
    for (const threads of ['1', '2']) {
      const out = join(work, `killed-${threads}`);
      const { child, done } = start([...recipe, '--threads', threads, '--out', out]);
      const pid = child.pid as number;
      await waitFor(() => existsSync(join(out, 'checkpoint', 'latest.json')), 120_000);
      threadCounts.push(threadsOf(pid));
      expect(childrenOf(pid)).toEqual([]);
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(childrenOf(pid)).toEqual([]);
    }
    // The worker of --threads 2 ran as one more thread of the killed process.
    expect(threadCounts[1]).toBeGreaterThan(threadCounts[0] as number);

    const killed = join(work, 'killed-2');
    const resumed = await start(['train', '--resume', killed, '--threads', '1', '--json']).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sha256(weightsOf(killed))).toBe(reference);
  }, 300_000);

  it('stops on Ctrl-C with a checkpoint and no worker left, and resumes exactly on 2 threads', async () => {
    const out = join(work, 'interrupted');
    const { child, done } = start([...recipe, '--threads', '2', '--out', out]);
    const pid = child.pid as number;
    await waitFor(() => existsSync(join(out, 'checkpoint', 'latest.json')), 120_000);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(`--resume ${out}`);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(childrenOf(pid)).toEqual([]);

    const resumed = await start(['train', '--resume', out, '--threads', '2', '--json']).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sha256(weightsOf(out))).toBe(reference);
  }, 300_000);

  it('evaluates and predicts on the threads asked for, with the same results as on 1 thread', async () => {
    const weights = weightsOf(join(work, 'a'));
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < 40 * 30; i++) png.data.set([200, 120, (i * 7) % 256, 255], i * 4);
    const image = join(work, 'stripes.png');
    await writeFile(image, PNG.sync.write(png));
    const outputs: Record<string, string[]> = { eval: [], predict: [] };
    for (const threads of ['2', '1']) {
      const evaluated = await start([
        'eval',
        '--weights',
        weights,
        '--data',
        'sample',
        '--threads',
        threads,
        '--json',
      ]).done;
      const predicted = await start([
        'predict',
        image,
        '--weights',
        weights,
        '--threads',
        threads,
        '--json',
      ]).done;
      for (const [command, run] of [
        ['eval', evaluated],
        ['predict', predicted],
      ] as const) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(threadsNote(threads));
        outputs[command]?.push(run.stdout);
      }
    }
    // Everything but the speed: accuracy, loss, per-class accuracy, confusion matrix.
    const [onTwo, onOne] = (outputs.eval ?? []).map((stdout) => {
      const { imagesPerSecond: _speed, ...metrics } = JSON.parse(stdout);
      return metrics;
    });
    expect(onTwo.testImages).toBeGreaterThan(0);
    expect(onTwo).toEqual(onOne);
    expect(outputs.predict?.[0]).toBe(outputs.predict?.[1]);
  }, 300_000);

  it('trains small batches on 1 thread and larger ones on every core without --threads', async () => {
    for (const [batchSize, threads] of [
      ['4', '1'],
      ['32', String(availableParallelism())],
    ] as const) {
      const out = join(work, `default-${batchSize}`);
      const args = ['train', '--data', 'sample', '--limit', '64', '--epochs', '1'];
      const run = await start([...args, '--batch-size', batchSize, '--out', out, '--json']).done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(threadsNote(threads));
    }
  }, 300_000);
});

// Data-parallel: 375 steps of batch 32 (each replica computes 16 images a step), a checkpoint
// every 20, long enough to be killed mid-run.
const replicaRecipe = [
  'train',
  '--data',
  'sample',
  '--epochs',
  '6',
  '--batch-size',
  '32',
  '--checkpoint-every',
  '20',
  '--json',
];

/** Every float of a weights file, tensor after tensor in name order. */
function floatsOf(file: string): Float32Array {
  const { tensors } = decodeSafetensors(readFileSync(file));
  const parts = [...tensors.keys()].sort().map((name) => {
    const { bytes } = tensors.get(name) as { bytes: Uint8Array };
    return new Float32Array(bytes.slice().buffer);
  });
  const all = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

describe('cnnkit train --replicas (built binary)', () => {
  let reference: string;

  it('trains bit-identical weights run after run on 2 replicas, close to 1 thread', async () => {
    const hashes: string[] = [];
    for (const name of ['replicas-a', 'replicas-b']) {
      const out = join(work, name);
      const run = await start([...replicaRecipe, '--threads', '2', '--replicas', '--out', out])
        .done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('threads: 2 model replicas');
      hashes.push(sha256(weightsOf(out)));
    }
    expect(hashes[1]).toBe(hashes[0]);
    reference = hashes[0] as string;

    const one = join(work, 'replicas-one');
    const run = await start([...replicaRecipe, '--threads', '1', '--out', one]).done;
    expect(run.code, run.stderr).toBe(0);
    // Float rounding differs (two half-batch sums instead of one), after 375 steps the
    // weights still agree to a small fraction of their size.
    const split = floatsOf(weightsOf(join(work, 'replicas-a')));
    const whole = floatsOf(weightsOf(one));
    let scale = 0;
    let worst = 0;
    whole.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      worst = Math.max(worst, Math.abs(v - (split[i] as number)));
    });
    expect(sha256(weightsOf(one))).not.toBe(reference);
    expect(worst / scale).toBeLessThan(1e-3);
  }, 300_000);

  it('leaves no worker behind after kill -9 and resumes to the same bits on 2 replicas', async () => {
    const out = join(work, 'replicas-killed');
    const { child, done } = start([...replicaRecipe, '--threads', '2', '--replicas', '--out', out]);
    const pid = child.pid as number;
    await waitFor(() => existsSync(join(out, 'checkpoint', 'latest.json')), 120_000);
    const threads = threadsOf(pid);
    expect(childrenOf(pid)).toEqual([]);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(childrenOf(pid)).toEqual([]);
    // The replica ran as threads of the killed process, nowhere else.
    expect(threads).toBeGreaterThan(1);

    const resumed = await start([
      'train',
      '--resume',
      out,
      '--threads',
      '2',
      '--replicas',
      '--json',
    ]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sha256(weightsOf(out))).toBe(reference);
  }, 300_000);

  it('refuses models with BatchNorm before it creates the run directory', async () => {
    const out = join(work, 'replicas-fast');
    const args = ['train', '--data', 'sample', '--recipe', 'fast', '--batch-size', '64'];
    const run = await start([...args, '--threads', '2', '--replicas', '--out', out]).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--replicas cannot train airbench: its BatchNorm statistics');
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
