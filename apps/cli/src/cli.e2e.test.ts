// Runs the built `cnnkit` binary in fresh processes, as a user would (turbo builds the CLI
// before its tests). Uses the embedded sample, so it needs no network and no shared data.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEIGHTS_INFO_KEYS, weightsFromOnnx } from '@cnnkit/models';
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
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const cnnkit = (args: string[]) => start(args).done;

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

let work: string;
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  work = await mkdtemp(join(tmpdir(), 'cnnkit-cli-'));
});

describe('cnnkit (built binary)', () => {
  it('prints help and version with exit code 0', async () => {
    const help = await cnnkit(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'download', 'info', 'export'])
      expect(help.stdout).toContain(command);
    const version = await cnnkit(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers bad flags with usage and exit code 2', async () => {
    const run = await cnnkit(['train', '--epochs', 'two']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--epochs.*'two'/);
    expect(run.stderr).toContain('Usage: cnnkit train');
  });

  it('reports a missing weights file in one line, exit code 1, no stack trace', async () => {
    const run = await cnnkit([
      'eval',
      '--weights',
      join(work, 'nope.safetensors'),
      '--data',
      'sample',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cnnkit: .*nope\.safetensors: no such file\./);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unreadable data path with exit code 1', async () => {
    const run = await cnnkit([
      'eval',
      '--weights',
      join(work, 'nope.safetensors'),
      '--data',
      join(work, 'no-data'),
    ]);
    expect(run.code).toBe(1);
  });

  it('trains on the sample, writes weights and metrics, and eval agrees with train', async () => {
    const out = join(work, 'short');
    const trained = await cnnkit([
      'train',
      '--data',
      'sample',
      '--limit',
      '400',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--out',
      out,
      '--json',
    ]);
    expect(trained.stderr).toContain('backend');
    expect(trained.code).toBe(0);
    const summary = JSON.parse(trained.stdout);
    expect(summary.trainImages).toBe(400);
    expect(summary.steps).toBe(50);
    expect(summary.testImages).toBe(500);
    expect(Object.keys(summary.perClassAccuracy)).toHaveLength(10);
    expect(summary.imagesPerSecond).toBeGreaterThan(0);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.at(-1).type).toBe('epoch-end');

    const evaluated = await cnnkit([
      'eval',
      '--weights',
      summary.weights,
      '--data',
      'sample',
      '--json',
    ]);
    expect(evaluated.code).toBe(0);
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation.accuracy).toBe(summary.accuracy);
    expect(evaluation.perClassAccuracy).toEqual(summary.perClassAccuracy);
  });

  it('resumes after kill -9 and after Ctrl-C to exactly the uninterrupted result', async () => {
    const recipe = [
      'train',
      '--data',
      'sample',
      '--limit',
      '480',
      '--epochs',
      '2',
      '--batch-size',
      '4',
      '--checkpoint-every',
      '25',
      '--json',
    ];
    const reference = await cnnkit([...recipe, '--out', join(work, 'whole')]);
    expect(reference.code).toBe(0);
    const expected = JSON.parse(reference.stdout);

    // kill -9 once a checkpoint past the first one exists.
    const killedDir = join(work, 'killed');
    const killed = start([...recipe, '--out', killedDir]);
    await waitFor(() => existsSync(join(killedDir, 'checkpoint', 'latest.json')), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    const resumed = await cnnkit([
      'train',
      '--resume',
      killedDir,
      '--json',
      '--checkpoint-every',
      '25',
    ]);
    expect(resumed.code).toBe(0);
    const afterKill = JSON.parse(resumed.stdout);

    // Ctrl-C: the CLI writes a checkpoint and exits 130.
    const interruptedDir = join(work, 'interrupted');
    const interrupted = start([...recipe, '--out', interruptedDir]);
    await waitFor(() => existsSync(join(interruptedDir, 'checkpoint', 'latest.json')), 60_000);
    interrupted.child.kill('SIGINT');
    const stopped = await interrupted.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(`--resume ${interruptedDir}`);
    const afterInterrupt = JSON.parse(
      (await cnnkit(['train', '--resume', interruptedDir, '--json'])).stdout,
    );

    for (const result of [afterKill, afterInterrupt]) {
      expect(result.steps).toBe(expected.steps);
      expect(result.loss).toBe(expected.loss);
      expect(result.accuracy).toBe(expected.accuracy);
      expect(result.perClassAccuracy).toEqual(expected.perClassAccuracy);
      expect(result.confusionMatrix).toEqual(expected.confusionMatrix);
    }
    const metrics = async (dir: string) => readFile(join(dir, 'metrics.jsonl'), 'utf8');
    expect(await metrics(killedDir)).toBe(await metrics(join(work, 'whole')));
    expect(await metrics(interruptedDir)).toBe(await metrics(join(work, 'whole')));
    const weights = async (dir: string) => readFile(join(dir, 'simple-cnn.safetensors'));
    expect((await weights(killedDir)).equals(await weights(join(work, 'whole')))).toBe(true);
  }, 240_000);

  it('predicts the top 3 classes of an image of any size', async () => {
    const png = new PNG({ width: 50, height: 40 });
    for (let i = 0; i < 50 * 40; i++) png.data.set([30, 90, 200, 255], i * 4);
    const image = join(work, 'blue.png');
    await writeFile(image, PNG.sync.write(png));
    const weights = join(work, 'short', 'simple-cnn.safetensors');
    const run = await cnnkit(['predict', image, '--weights', weights, '--json']);
    expect(run.code).toBe(0);
    const [prediction] = JSON.parse(run.stdout);
    expect(prediction.file).toBe(image);
    expect(prediction.top).toHaveLength(3);
    const total = prediction.top.reduce(
      (s: number, t: { probability: number }) => s + t.probability,
      0,
    );
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1 + 1e-6);
    expect(prediction.top[0].probability).toBeGreaterThanOrEqual(prediction.top[1].probability);
  });

  it('exports the trained weights as ONNX (the same tensors) and as a TF.js graph model', async () => {
    const weights = join(work, 'short', 'simple-cnn.safetensors');
    const onnx = await cnnkit(['export', '--weights', weights, '--format', 'onnx', '--json']);
    expect(onnx.stderr).toBe('');
    expect(onnx.code).toBe(0);
    const written = JSON.parse(onnx.stdout);
    expect(written).toMatchObject({
      format: 'onnx',
      opset: 17,
      model: 'simple-cnn',
      input: { name: 'images', layout: 'NCHW' },
      output: 'logits',
      files: [{ path: join(work, 'short', 'simple-cnn.onnx') }],
    });
    expect(written.classNames).toHaveLength(10);
    const originalFile = decodeSafetensors(await readFile(weights));
    const original = originalFile.tensors;
    const roundTrip = decodeSafetensors(
      await weightsFromOnnx(await readFile(written.files[0].path)),
    );
    // The export says what the weights file says, resize policy and version included
    // (model options aside: the export lists only SimpleCNN's options that are not defaults).
    const { modelOptions: _, ...sameKeys } = WEIGHTS_INFO_KEYS;
    for (const key of Object.values(sameKeys)) {
      expect([key, roundTrip.metadata[key]]).toEqual([key, originalFile.metadata[key]]);
    }
    expect(roundTrip.metadata['cnnkit.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect([...roundTrip.tensors.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, tensor] of original) {
      expect(roundTrip.tensors.get(name)?.shape).toEqual(tensor.shape);
      expect(Buffer.from(roundTrip.tensors.get(name)?.bytes ?? []).equals(tensor.bytes)).toBe(true);
    }

    const dir = join(work, 'web-model');
    const tfjs = await cnnkit([
      'export',
      '--weights',
      weights,
      '--format',
      'tfjs',
      '--out',
      dir,
      '--softmax',
    ]);
    expect(tfjs.code).toBe(0);
    expect(tfjs.stdout).toContain('TensorFlow.js graph model');
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('graph-model');
    expect(modelJson.userDefinedMetadata.output).toBe('probabilities');
    for (const path of modelJson.weightsManifest.flatMap((g: { paths: string[] }) => g.paths))
      expect(existsSync(join(dir, path))).toBe(true);
  });

  it('refuses to export weights of another model with a one-line hint', async () => {
    const weights = join(work, 'short', 'simple-cnn.safetensors');
    const run = await cnnkit([
      'export',
      '--weights',
      weights,
      '--format',
      'onnx',
      '--model',
      'resnet9',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cnnkit: .*simple-cnn\.safetensors: these weights do not fit resnet9 \(\d+ problems, the first: prep\.conv\.weight: missing .*--model \(simple-cnn, airbench, resnet9\)\.$/m,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
