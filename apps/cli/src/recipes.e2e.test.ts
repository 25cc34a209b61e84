// `cnnkit train --recipe …` through the built binary on the embedded sample: the tutorial's
// weights byte for byte as before recipes existed, a few steps of each model and recipe, and
// an exact resume of the fast recipe (BatchNorm buffers, momentum, lookahead average).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEIGHTS_INFO_KEYS } from '@cnnkit/models';
import { decodeSafetensors, withSafetensorsMetadata } from '@cnnkit/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cnnkit(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

const metadataOf = async (file: string) => decodeSafetensors(await readFile(file)).metadata;

// The weights as they were before weights carried cnnkit's metadata (model, classes, input
// shape, normalisation, version): the same file with those keys left out.
const sha256WithoutWeightsInfo = async (file: string) => {
  const infoKeys = new Set<string>(Object.values(WEIGHTS_INFO_KEYS));
  const own = Object.entries(await metadataOf(file)).filter(([key]) => !infoKeys.has(key));
  return createHash('sha256')
    .update(withSafetensorsMetadata(await readFile(file), Object.fromEntries(own)))
    .digest('hex');
};

let work: string;
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first.`);
  work = await mkdtemp(join(tmpdir(), 'cnnkit-recipes-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// sha256 of the weights `cnnkit train --data sample --limit 8 --epochs 2 --backend cpu [--augment]`
// wrote at 3afc594, before --recipe (and before weights metadata, left out to compare): the
// default recipe must not change by a bit.
const TUTORIAL_SHA256 = '5fb7c4a034478d9000b7ab7c43d7ceb207b4f9c201f0eb13eb1a1a3c0377d2c1';
const TUTORIAL_AUGMENT_SHA256 = 'e4c648fd1f8100e4bba678588cf221d389c22f0797385388982ce1c67a4ae2a9';

// A small fast run: 4 steps an epoch, narrow widths, whitening from the 64 images.
const fastRun = [
  ['train', '--recipe', 'fast', '--data', 'sample', '--limit', '64'],
  ['--batch-size', '16', '--widths', '16,32,32', '--epochs', '2', '--whitening-images', '64'],
  ['--backend', 'wasm', '--json'],
].flat();

describe('cnnkit train --recipe', () => {
  it('trains the default tutorial recipe to the same weights as before recipes', async () => {
    const tutorial = ['train', '--data', 'sample', '--limit', '8', '--epochs', '2'];
    const plain = await cnnkit([...tutorial, '--backend', 'cpu', '--out', join(work, 't')]);
    expect(plain.code).toBe(0);
    const weights = join(work, 't', 'simple-cnn.safetensors');
    expect(await sha256WithoutWeightsInfo(weights)).toBe(TUTORIAL_SHA256);
    expect(await metadataOf(weights)).toMatchObject({
      [WEIGHTS_INFO_KEYS.model]: 'simple-cnn',
      [WEIGHTS_INFO_KEYS.modelOptions]: '{"numClasses":10,"imageSize":32}',
      [WEIGHTS_INFO_KEYS.normalize]: '{"mean":[0.5,0.5,0.5],"std":[0.5,0.5,0.5]}',
    });
    const augmented = await cnnkit([
      ...tutorial,
      '--augment',
      '--backend',
      'cpu',
      '--out',
      join(work, 'ta'),
    ]);
    expect(augmented.code).toBe(0);
    expect(await sha256WithoutWeightsInfo(join(work, 'ta', 'simple-cnn.safetensors'))).toBe(
      TUTORIAL_AUGMENT_SHA256,
    );
  }, 120_000);

  it('trains the fast recipe, records every setting, and resumes it exactly', async () => {
    const whole = join(work, 'fast');
    const run = await cnnkit([...fastRun, '--checkpoint-every', '3', '--out', whole]);
    expect(run.stderr).toContain('training AirbenchNet with the fast recipe on 64 images');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.steps).toBe(8);
    expect(summary.testImages).toBe(500);
    expect(summary.weights).toBe(join(whole, 'airbench.safetensors'));
    expect(summary.config).toMatchObject({
      recipe: 'fast',
      model: 'airbench',
      widths: [16, 32, 32],
      batchSize: 16,
      lr: 11.5,
      sgdForm: 'airbench',
      labelSmoothing: 0.2,
      lookahead: { every: 5, power: 3 },
      tta: 'mirror-translate',
      whiteningImages: 64,
      limit: 64,
      testLimit: null,
      seed: 0,
    });
    const record = JSON.parse(await readFile(join(whole, 'run.json'), 'utf8'));
    expect(record.format).toBe('cnnkit-run/2');
    const { data: _data, ...stored } = record.settings;
    const { data: _source, dataSha256: _sha, ...printed } = summary.config;
    expect(stored).toEqual(printed);

    // eval takes the model, normalisation and test-time augmentation from run.json beside it.
    const evaluated = await cnnkit([
      'eval',
      '--weights',
      summary.weights,
      '--data',
      'sample',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(evaluated.code).toBe(0);
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation).toMatchObject({
      model: 'airbench',
      testTimeAugmentation: 'mirror-translate',
    });
    expect(evaluation.accuracy).toBe(summary.accuracy);
    expect(evaluation.confusionMatrix).toEqual(summary.confusionMatrix);

    // The weights name their model, its widths and the recipe's normalisation, so a copy out
    // of the run still loads as that AirbenchNet (evaluated without the run's TTA).
    expect(await metadataOf(summary.weights)).toMatchObject({
      [WEIGHTS_INFO_KEYS.model]: 'airbench',
      [WEIGHTS_INFO_KEYS.modelOptions]: '{"numClasses":10,"widths":[16,32,32]}',
      [WEIGHTS_INFO_KEYS.normalize]: '{"mean":[0.4914,0.4822,0.4465],"std":[0.247,0.2435,0.2616]}',
    });
    const copy = join(work, 'fast-weights.safetensors');
    await cp(summary.weights, copy);
    const copied = await cnnkit([
      ...['eval', '--weights', copy, '--data', 'sample', '--backend', 'wasm', '--json'],
    ]);
    expect(copied.code).toBe(0);
    expect(copied.stderr).not.toContain('with the settings of');
    expect(JSON.parse(copied.stdout)).toMatchObject({
      model: 'airbench',
      testTimeAugmentation: 'none',
      testImages: evaluation.testImages,
    });

    // Resumed from step 6's checkpoint (mid-epoch 2, after the lookahead update of step 5; the
    // run keeps the newest two, 6 and 8): the same weights, metrics and accuracy.
    const step = 6;
    const dir = join(work, `fast-from-${step}`);
    await cp(whole, dir, { recursive: true });
    await rm(join(dir, 'airbench.safetensors'));
    const checkpoints = join(dir, 'checkpoint');
    const versions = (await readdir(checkpoints)).filter((name) => name.startsWith('step-'));
    const version = versions.find((name) =>
      name.startsWith(`step-${String(step).padStart(9, '0')}-`),
    );
    expect(version).toBeDefined();
    for (const later of versions.filter((name) => name > (version as string))) {
      await rm(join(checkpoints, later), { recursive: true });
    }
    await writeFile(join(checkpoints, 'latest.json'), JSON.stringify({ version, step }));
    const resumed = await cnnkit(['train', '--resume', dir, '--json']);
    expect(resumed.stderr).toContain(`(step ${step})`);
    expect(resumed.code).toBe(0);
    const after = JSON.parse(resumed.stdout);
    expect(after.accuracy).toBe(summary.accuracy);
    expect(after.loss).toBe(summary.loss);
    expect(await sha256(join(dir, 'airbench.safetensors'))).toBe(
      await sha256(join(whole, 'airbench.safetensors')),
    );
    expect(await readFile(join(dir, 'metrics.jsonl'), 'utf8')).toBe(
      await readFile(join(whole, 'metrics.jsonl'), 'utf8'),
    );

    // The schedule and the average span the run's steps: its epochs cannot change.
    const longer = await cnnkit(['train', '--resume', whole, '--epochs', '3']);
    expect(longer.code).toBe(1);
    expect(longer.stderr).toMatch(/cannot resume .* --epochs 3: its fast recipe's learning-rate/);
    const other = await cnnkit(['train', '--resume', whole, '--lr', '2']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('with --lr 2: the run was started with --lr 11.5');
  }, 240_000);

  it('trains ResNet-9 with the fast recipe and AirbenchNet with the tutorial recipe', async () => {
    const resnet = await cnnkit(
      [
        ['train', '--recipe', 'fast', '--model', 'resnet9', '--data', 'sample', '--limit', '16'],
        ['--test-limit', '20', '--batch-size', '8', '--epochs', '1', '--tta', 'none'],
        ['--backend', 'wasm', '--json', '--out', join(work, 'resnet9')],
      ].flat(),
    );
    expect(resnet.code).toBe(0);
    const resnetSummary = JSON.parse(resnet.stdout);
    expect(resnetSummary.steps).toBe(2);
    expect(resnetSummary.config).toMatchObject({ model: 'resnet9', widths: null, tta: 'none' });
    expect(existsSync(join(work, 'resnet9', 'resnet9.safetensors'))).toBe(true);

    const airbench = await cnnkit(
      [
        ['train', '--model', 'airbench', '--widths', '8,16,16', '--data', 'sample'],
        ['--limit', '16', '--test-limit', '20', '--epochs', '1', '--backend', 'wasm', '--json'],
        ['--out', join(work, 'airbench-tutorial')],
      ].flat(),
    );
    expect(airbench.code).toBe(0);
    const airbenchSummary = JSON.parse(airbench.stdout);
    expect(airbenchSummary.steps).toBe(4);
    expect(airbenchSummary.config).toMatchObject({ recipe: 'tutorial', batchSize: 4, lr: 0.001 });
  }, 240_000);

  it('explains a setting the recipe cannot use, in one line', async () => {
    const run = await cnnkit([
      'train',
      '--data',
      'sample',
      '--widths',
      '8,8',
      '--out',
      join(work, 'bad'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'cnnkit: --recipe tutorial: recipe setting widths must be null except for the airbench model',
    );
    expect(existsSync(join(work, 'bad'))).toBe(false);
  });
});
