// The image-folder path through the built `cnnkit` binary, as a user runs it: a messy folder
// trains end to end with its skipped files reported; CIFAR-10 written out as PNG class folders
// trains to exactly the weights the binary files give; eval, predict and info use the class
// names the weights carry; fine-tuning re-initialises the head and --freeze keeps the rest.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const scripts = fileURLToPath(new URL('../../../packages/datasets/scripts/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cnnkit(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, CI: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let work = '';
let env: Record<string, string> = {};
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  work = await mkdtemp(join(tmpdir(), 'cnnkit-folders-'));
  env = { CNNKIT_CACHE_DIR: join(work, 'cache') };
  execFileSync(process.execPath, [
    join(scripts, 'make-messy-image-folder.mjs'),
    join(work, 'messy'),
  ]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The tensors of a weights file, by name (metadata aside). */
async function tensorsOf(file: string): Promise<Map<string, Float32Array>> {
  const { tensors } = decodeSafetensors(new Uint8Array(await readFile(file)));
  return new Map([...tensors].map(([name, t]) => [name, tensorToFloat32(t)]));
}

describe('cnnkit on a messy image folder', () => {
  it('trains end to end, reporting the skipped files, and labels the weights', async () => {
    const out = join(work, 'messy-run');
    const run = await cnnkit(
      ['train', '--data', join(work, 'messy'), '--epochs', '1', '--out', out, '--json'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'cnnkit: skipped 6 files that cannot be used: cat/link-broken.jpg (a broken symbolic link); cat/link-out.jpg (a symbolic link to /etc/hostname, outside the folder; links are followed only inside it); fish/broken.jpg (cannot decode the image (',
    );
    expect(run.stderr).toContain(
      `and 3 more (\`cnnkit info --data ${join(work, 'messy')}\` lists them all)`,
    );
    expect(run.stderr).toContain('3 classes (cat, dog, fish), 32×32 (shorter-side)');
    const summary = JSON.parse(run.stdout);
    expect(summary.classNames).toEqual(['cat', 'dog', 'fish']);
    expect(Object.keys(summary.perClassAccuracy)).toEqual(['cat', 'dog', 'fish']);
    expect([summary.trainImages, summary.testImages]).toEqual([14, 3]);
    expect(summary.skippedFiles.map((s: { path: string }) => s.path)).toEqual([
      'cat/link-broken.jpg',
      'cat/link-out.jpg',
      'fish/broken.jpg',
      'fish/empty.jpg',
      'fish/notes.txt',
      'loose.jpg',
    ]);
    const { metadata } = decodeSafetensors(
      new Uint8Array(await readFile(join(out, 'simple-cnn.safetensors'))),
    );
    expect(JSON.parse(metadata['cnnkit.classes'] as string)).toEqual(['cat', 'dog', 'fish']);
    expect(metadata['cnnkit.input_shape']).toBe('[32,32,3]');

    const predict = await cnnkit(
      [
        'predict',
        join(work, 'messy/dog/paint.bmp'),
        '--weights',
        join(out, 'simple-cnn.safetensors'),
        '--json',
      ],
      env,
    );
    expect(predict.code, predict.stderr).toBe(0);
    const [prediction] = JSON.parse(predict.stdout);
    expect(prediction.top.map((t: { label: string }) => t.label).sort()).toEqual([
      'cat',
      'dog',
      'fish',
    ]);

    const evaluation = await cnnkit(
      [
        'eval',
        '--data',
        join(work, 'messy'),
        '--weights',
        join(out, 'simple-cnn.safetensors'),
        '--val-split',
        '0.1',
        '--json',
      ],
      env,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const result = JSON.parse(evaluation.stdout);
    expect(result.testImages).toBe(3);
    expect(result.classNames).toEqual(['cat', 'dog', 'fish']);
    // The held-out images, the same the training run validated on.
    expect(result.accuracy).toBe(summary.accuracy);
  }, 120_000);

  it('info describes the folder: classes, counts, split and every skipped file', async () => {
    const run = await cnnkit(['info', '--data', join(work, 'messy')], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('image folder, 3 classes, 32×32 RGB (shorter-side)');
    expect(run.stdout).toMatch(/\n {2}cat +5 +1\n/);
    expect(run.stdout).toContain(
      'skipped 6 files that cannot be used:\n  cat/link-broken.jpg: a broken symbolic link\n',
    );
    expect(run.stdout).toContain(
      '  fish/notes.txt: not an image (unknown or unsupported format)\n',
    );
    expect(run.stdout).toContain('ignored 4 hidden or system files');
    const json = JSON.parse(
      (await cnnkit(['info', '--data', join(work, 'messy'), '--json'], env)).stdout,
    );
    expect(json.classNames).toEqual(['cat', 'dog', 'fish']);
    expect(json.skipped).toHaveLength(6);
    // Everything was decoded before: info read it all from the cache.
    expect(json.fromCache).toBe(17);
  }, 60_000);

  it('--strict stops at the first file that cannot be used', async () => {
    const run = await cnnkit(
      ['train', '--data', join(work, 'messy'), '--strict', '--out', join(work, 'strict-run')],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cnnkit: .*messy\/.*\(strict: /);
  });

  it('refuses image-folder flags for CIFAR-10', async () => {
    const run = await cnnkit(
      ['train', '--data', 'sample', '--image-size', '64', '--out', join(work, 'x')],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--image-size applies to image folders; the sample is CIFAR-10 (32×32, split into train and test already).',
    );
  });
});

describe('CIFAR-10 as PNG class folders', () => {
  it('trains to exactly the weights of the binary files with the same seed', async () => {
    const folder = join(work, 'sample-folder');
    execFileSync(process.execPath, [
      join(scripts, 'cifar10-to-image-folder.mjs'),
      cifar10SamplePath(),
      folder,
    ]);
    const args = ['train', '--limit', '200', '--epochs', '1', '--seed', '3', '--json'];
    const binary = await cnnkit(
      [...args, '--data', 'sample', '--out', join(work, 'from-binary')],
      env,
    );
    expect(binary.code, binary.stderr).toBe(0);
    const pngs = await cnnkit([...args, '--data', folder, '--out', join(work, 'from-pngs')], env);
    expect(pngs.code, pngs.stderr).toBe(0);
    expect(pngs.stderr).toContain('train/ for training, test/ for validation');
    const a = await tensorsOf(join(work, 'from-binary', 'simple-cnn.safetensors'));
    const b = await tensorsOf(join(work, 'from-pngs', 'simple-cnn.safetensors'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
    expect(JSON.parse(pngs.stdout).accuracy).toBe(JSON.parse(binary.stdout).accuracy);
  }, 180_000);
});

describe('fine-tuning', () => {
  it('starts from CIFAR-10 weights, re-initialising the head for the folder’s classes, and --freeze keeps the features', async () => {
    const cifar = join(work, 'cifar-run');
    const base = await cnnkit(
      ['train', '--data', 'sample', '--limit', '100', '--epochs', '1', '--out', cifar],
      env,
    );
    expect(base.code, base.stderr).toBe(0);
    const weights = join(cifar, 'simple-cnn.safetensors');
    const out = join(work, 'tuned');
    const run = await cnnkit(
      [
        'train',
        '--data',
        join(work, 'messy'),
        '--init-weights',
        weights,
        '--freeze',
        '--epochs',
        '2',
        '--out',
        out,
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `cnnkit: starting from ${weights} (10 classes: airplane, automobile, bird, …)`,
    );
    expect(run.stderr).toContain(
      "cnnkit: re-initialised the classifier head for this data's 3 classes (cat, dog, fish): fc3.weight [10, 84] → [3, 84], fc3.bias [10] → [3]",
    );
    expect(run.stderr).toContain('--freeze: training only fc3.weight, fc3.bias');
    const before = await tensorsOf(weights);
    const after = await tensorsOf(join(out, 'simple-cnn.safetensors'));
    for (const name of ['conv1.weight', 'conv2.bias', 'fc1.weight', 'fc2.bias']) {
      expect(after.get(name), name).toEqual(before.get(name));
    }
    expect(after.get('fc3.weight')?.length).toBe(3 * 84);

    const wrongSize = await cnnkit(
      [
        'train',
        '--data',
        join(work, 'messy'),
        '--init-weights',
        weights,
        '--image-size',
        '40',
        '--out',
        join(work, 'bad'),
      ],
      env,
    );
    expect(wrongSize.code).toBe(1);
    expect(wrongSize.stderr).toContain(
      `${weights} was trained on 32×32 images and SimpleCNN's fc1 depends on the size; pass --image-size 32 to fine-tune it.`,
    );
    const freezeAlone = await cnnkit(
      ['train', '--data', join(work, 'messy'), '--freeze', '--out', join(work, 'bad')],
      env,
    );
    expect(freezeAlone.code).toBe(2);
  }, 180_000);

  it('fine-tunes the fast recipe’s AirbenchNet on the folder: metadata names the model, --freeze keeps all but the head', async () => {
    const narrow = ['--recipe', 'fast', '--widths', '8,16,16'];
    const cifar = join(work, 'airbench-cifar');
    const base = await cnnkit(
      [
        ...['train', ...narrow, '--data', 'sample', '--limit', '32', '--batch-size', '16'],
        ...['--epochs', '1', '--whitening-images', '32', '--backend', 'wasm', '--out', cifar],
      ],
      env,
    );
    expect(base.code, base.stderr).toBe(0);
    const weights = join(cifar, 'airbench.safetensors');
    const out = join(work, 'airbench-tuned');
    const run = await cnnkit(
      [
        ...['train', ...narrow, '--data', join(work, 'messy'), '--batch-size', '4'],
        ...['--epochs', '2', '--init-weights', weights, '--freeze', '--backend', 'wasm'],
        ...['--out', out],
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "cnnkit: re-initialised the classifier head for this data's 3 classes (cat, dog, fish): head.weight [10, 16] → [3, 16]",
    );
    expect(run.stderr).toContain('--freeze: training only head.weight');
    const tuned = join(out, 'airbench.safetensors');
    const { metadata } = decodeSafetensors(new Uint8Array(await readFile(tuned)));
    expect(metadata).toMatchObject({
      'cnnkit.model_name': 'airbench',
      'cnnkit.model_options': '{"numClasses":3,"widths":[8,16,16]}',
      'cnnkit.classes': '["cat","dog","fish"]',
    });
    const before = await tensorsOf(weights);
    const after = await tensorsOf(tuned);
    const parameters = [...after.keys()].filter(
      (name) => /\.(weight|bias)$/.test(name) && name !== 'head.weight',
    );
    expect(parameters).toContain('whiten.bias');
    for (const name of parameters) expect(after.get(name), name).toEqual(before.get(name));
    expect(after.get('head.weight')?.length).toBe(3 * 16);

    // eval builds the AirbenchNet the metadata names, with the folder's classes.
    const evaluation = await cnnkit(
      ['eval', '--weights', tuned, '--data', join(work, 'messy'), '--backend', 'wasm', '--json'],
      env,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(JSON.parse(evaluation.stdout)).toMatchObject({
      model: 'airbench',
      testTimeAugmentation: 'mirror-translate',
      classNames: ['cat', 'dog', 'fish'],
    });
  }, 240_000);
});
