// @ts-check
// Fine-tuning against training from scratch on a small folder (BENCHMARKS.md, "Fine-tuning on
// a small folder"), through the built CLI as a user runs it. CIFAR-10 is cut in two by class:
//
//   pretrain/ — airplane, automobile, bird, cat, deer: every training and test image;
//   small/    — dog, frog, horse, ship, truck: the first --per-class training images of each
//               class (train/), and every test image of those classes (test/).
//
// SimpleCNN is trained on pretrain/ (`cnnkit train`, --pretrain-epochs), then on small/ three
// ways with the same seed and recipe (--epochs): from scratch; from the pretrained weights
// (`--init-weights`: the 5-class head is re-initialised, every layer trains); and the same with
// `--freeze` (only the new head trains). The small folder's classes were never seen in
// pretraining, so what transfers is the features.
//
//   pnpm turbo run build --filter @cnnkit/cli... && \
//   node scripts/bench-fine-tune.mjs <cifar-10-binary.tar.gz> <work dir> \
//     [--per-class 100] [--pretrain-epochs 2] [--epochs 10] [--seed 0]
//
// The images are written as PNGs (lossless) into <work dir> when it holds none yet; runs go to
// <work dir>/runs/ (replaced each time), the decoded-image cache to <work dir>/cache/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCifar10 } from '@cnnkit/datasets/node';
import sharp from 'sharp';

const PRETRAIN_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer'];
const SMALL_CLASSES = ['dog', 'frog', 'horse', 'ship', 'truck'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'per-class': { type: 'string', default: '100' },
    'pretrain-epochs': { type: 'string', default: '2' },
    epochs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
  },
});
const [archive, workArg] = positionals;
if (!archive || !workArg) {
  process.stderr.write(
    'usage: node scripts/bench-fine-tune.mjs <cifar-10-binary.tar.gz> <work dir> [--per-class 100] [--pretrain-epochs 2] [--epochs 10] [--seed 0]\n',
  );
  process.exit(2);
}
const work = workArg;
const perClass = Number(values['per-class']);
const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
if (!existsSync(bin)) {
  throw new Error(`${bin} is missing: run \`pnpm turbo run build --filter @cnnkit/cli...\` first.`);
}

/**
 * Writes the images of `classes` from one split, at most `limit` per class, as PNGs.
 * @param {import('@cnnkit/datasets').ImageDataset} dataset
 * @param {readonly string[]} classes
 * @param {string} dir
 * @param {number} limit
 */
async function writeClasses(dataset, classes, dir, limit = Number.POSITIVE_INFINITY) {
  const plane = 32 * 32 * 3;
  /** @type {Map<number, number>} */
  const taken = new Map();
  /** @type {{ index: number, name: string }[]} */
  const chosen = [];
  for (let i = 0; i < dataset.count; i++) {
    const label = /** @type {number} */ (dataset.labels[i]);
    const name = /** @type {string} */ (dataset.classNames[label]);
    if (!classes.includes(name) || (taken.get(label) ?? 0) >= limit) continue;
    taken.set(label, (taken.get(label) ?? 0) + 1);
    chosen.push({ index: i, name });
  }
  for (const name of classes) await mkdir(join(dir, name), { recursive: true });
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < chosen.length; k = next++) {
      const { index, name } = /** @type {{ index: number, name: string }} */ (chosen[k]);
      const png = await sharp(dataset.images.subarray(index * plane, (index + 1) * plane), {
        raw: { width: 32, height: 32, channels: 3 },
      })
        .png()
        .toBuffer();
      await writeFile(join(dir, name, `${String(index).padStart(5, '0')}.png`), png);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() * 2 }, worker));
  return chosen.length;
}

const pretrain = join(work, 'pretrain');
const small = join(work, `small-${perClass}`);
if (!existsSync(pretrain) || !existsSync(small)) {
  const { train, test } = await openCifar10(archive);
  if (!existsSync(pretrain)) {
    await writeClasses(train, PRETRAIN_CLASSES, join(pretrain, 'train'));
    await writeClasses(test, PRETRAIN_CLASSES, join(pretrain, 'test'));
  }
  if (!existsSync(small)) {
    await writeClasses(train, SMALL_CLASSES, join(small, 'train'), perClass);
    await writeClasses(test, SMALL_CLASSES, join(small, 'test'));
  }
}

const runs = join(work, 'runs');
await rm(runs, { recursive: true, force: true });

/**
 * One `cnnkit train --json`; its summary and wall time.
 * @param {string} name
 * @param {string[]} args
 */
function train(name, args) {
  process.stderr.write(`cnnkit train ${args.join(' ')}\n`);
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [bin, 'train', ...args, '--seed', String(values.seed), '--out', join(runs, name), '--json'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: 'true', CNNKIT_CACHE_DIR: join(work, 'cache') },
    },
  );
  if (child.status !== 0)
    throw new Error(`${name}: cnnkit train failed (exit code ${child.status})`);
  return {
    summary: JSON.parse(child.stdout),
    seconds: (performance.now() - started) / 1000,
  };
}

const base = train('pretrain', ['--data', pretrain, '--epochs', String(values['pretrain-epochs'])]);
const weights = join(runs, 'pretrain', 'simple-cnn.safetensors');
const recipe = ['--data', small, '--epochs', String(values.epochs)];
const results = [
  { label: 'from scratch', run: train('scratch', recipe) },
  {
    label: 'fine-tuned (`--init-weights`)',
    run: train('fine-tuned', [...recipe, '--init-weights', weights]),
  },
  {
    label: 'fine-tuned, features frozen (`--init-weights --freeze`)',
    run: train('frozen', [...recipe, '--init-weights', weights, '--freeze']),
  },
];

const percent = (/** @type {number} */ a) => `${(a * 100).toFixed(1)} %`;
const count = (/** @type {number} */ n) => n.toLocaleString('en-US');
const scratch = results[0]?.run.summary;
console.log(
  [
    `Pretraining: ${PRETRAIN_CLASSES.join(', ')} — ${count(base.summary.trainImages)} images, ${values['pretrain-epochs']} epochs: ${percent(base.summary.accuracy)} on their ${count(base.summary.testImages)} test images (${base.seconds.toFixed(0)} s).`,
    `Small folder: ${SMALL_CLASSES.join(', ')} — ${count(scratch?.trainImages)} training images (${perClass} a class), ${count(scratch?.testImages)} test images; ${values.epochs} epochs, batch 4, lr 0.001, momentum 0.9, seed ${values.seed}.`,
    '',
    '| SimpleCNN on the small folder | test accuracy | test loss | time |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(
      ({ label, run }) =>
        `| ${label} | **${percent(run.summary.accuracy)}** | ${run.summary.loss.toFixed(3)} | ${run.seconds.toFixed(0)} s |`,
    ),
  ].join('\n'),
);
