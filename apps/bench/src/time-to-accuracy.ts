import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { openCifar10 } from '@cnnkit/datasets/node';
import { type RecipeSettings, recipeSettings, startRecipeRun } from '@cnnkit/recipes';
import { train } from '@cnnkit/trainer';
import { type CurvePoint, minutesTo, type Spread, spread } from './accuracy-curve.js';
import { probeTorch } from './pytorch-reference.js';
import { startBackend } from './tfjs-backends.js';
import type { TimeToAccuracyOptions } from './time-to-accuracy-options.js';

// dist/bin.js and src/*.ts are both two levels below the repo root's apps/bench.
const script = fileURLToPath(
  new URL('../../../scripts/pytorch/train_fast_recipe.py', import.meta.url),
);

/** One training run of the recipe. */
export interface RecipeRunResult {
  readonly runner: 'cnnkit' | 'pytorch';
  readonly seed: number;
  readonly curve: readonly CurvePoint[];
  /** The last epoch's accuracy, with the recipe's test-time augmentation. */
  readonly accuracy: number;
  readonly trainSeconds: number;
  readonly imagesPerSecond: number;
  /** Minutes to each target (same order as the options' targets), null when not reached. */
  readonly minutesTo: readonly (number | null)[];
}

/** A runner's runs over the seeds, summarised. */
export interface RunnerSummary {
  readonly runner: 'cnnkit' | 'pytorch';
  readonly detail: string;
  readonly runs: readonly RecipeRunResult[];
  readonly accuracy: Spread | null;
  readonly imagesPerSecond: Spread | null;
  readonly minutesTo: readonly (Spread | null)[];
}

export interface TimeToAccuracyResult {
  readonly command: string;
  readonly settings: RecipeSettings;
  readonly data: string;
  readonly targets: readonly number[];
  readonly runners: readonly RunnerSummary[];
  /** Why PyTorch did not run, when it did not. */
  readonly pytorchSkipped?: string;
  /** Largest resident set of the benchmark process (cnnkit's side), in bytes. */
  readonly cnnkitPeakRssBytes: number;
}

function resultOf(
  runner: RecipeRunResult['runner'],
  seed: number,
  curve: CurvePoint[],
  images: number,
  targets: readonly number[],
): RecipeRunResult {
  const last = curve.at(-1);
  if (!last) throw new Error(`${runner} seed ${seed}: the run reported no epoch.`);
  return {
    runner,
    seed,
    curve,
    accuracy: last.accuracy,
    trainSeconds: last.trainSeconds,
    imagesPerSecond: images / last.trainSeconds,
    minutesTo: targets.map((target) => minutesTo(curve, target)),
  };
}

async function runCnnkit(
  settings: RecipeSettings,
  options: TimeToAccuracyOptions,
  data: Awaited<ReturnType<typeof openCifar10>>,
  seed: number,
): Promise<RecipeRunResult> {
  const curve: CurvePoint[] = [];
  let images = 0;
  let evaluationMs = 0;
  const started = performance.now();
  // Set-up (whitening from the data) counts as training time, as in the PyTorch script.
  const run = await startRecipeRun(settings, {
    train: data.train,
    test: data.test,
    seed,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.testLimit === undefined ? {} : { testLimit: options.testLimit }),
  });
  try {
    await train({
      ...run,
      epochs: settings.epochs,
      checkpointAtEpochEnd: false,
      reportEvery: 1_000_000,
      onEvent: (event) => {
        if (event.type === 'batch-end') images += event.batchSize;
        if (event.type === 'epoch-end' && event.test) {
          evaluationMs += (1000 * event.test.count) / event.test.imagesPerSecond;
          curve.push({
            epoch: event.epoch + 1,
            trainSeconds: (performance.now() - started - evaluationMs) / 1000,
            accuracy: event.test.accuracy,
          });
        }
      },
    });
  } finally {
    run.dispose();
  }
  return resultOf('cnnkit', seed, curve, images, options.targets);
}

async function runPytorch(
  settings: RecipeSettings,
  options: TimeToAccuracyOptions,
  dataPath: string,
  seed: number,
): Promise<RecipeRunResult> {
  const args = [
    script,
    '--data',
    dataPath,
    '--seed',
    String(seed),
    '--threads',
    String(options.torchThreads),
    '--epochs',
    String(settings.epochs),
    '--batch-size',
    String(settings.batchSize),
    '--widths',
    (settings.widths ?? [64, 128, 128]).join(','),
    ...(options.limit === undefined ? [] : ['--limit', String(options.limit)]),
    ...(options.testLimit === undefined ? [] : ['--test-limit', String(options.testLimit)]),
  ];
  const child = spawn(options.python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const curve: CurvePoint[] = [];
  let images = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const record = JSON.parse(line);
    if (record.type === 'epoch') {
      curve.push({
        epoch: record.epoch,
        trainSeconds: record.trainSeconds,
        accuracy: record.accuracy,
      });
    }
    if (record.type === 'result') images = record.imagesPerSecond * record.trainSeconds;
  }
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) {
    throw new Error(
      `${options.python} ${script} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  return resultOf('pytorch', seed, curve, images, options.targets);
}

function summarise(
  runner: RecipeRunResult['runner'],
  detail: string,
  runs: RecipeRunResult[],
  targets: readonly number[],
): RunnerSummary {
  return {
    runner,
    detail,
    runs,
    accuracy: spread(runs.map((r) => r.accuracy)),
    imagesPerSecond: spread(runs.map((r) => r.imagesPerSecond)),
    minutesTo: targets.map((_, i) => spread(runs.map((r) => r.minutesTo[i] ?? null))),
  };
}

/**
 * Trains the fast recipe with cnnkit (wasm, in this process) and PyTorch (a child process)
 * once per seed, cnnkit then PyTorch for each seed so that load from other jobs hits both.
 */
export async function runTimeToAccuracy(
  options: TimeToAccuracyOptions,
  io: { readonly log: (line: string) => void; readonly command: string },
): Promise<TimeToAccuracyResult> {
  const settings = recipeSettings('fast', {
    ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.widths === undefined ? {} : { widths: options.widths }),
  });
  const dataPath = options.data === 'sample' ? cifar10SamplePath() : resolve(options.data);
  const data = await openCifar10(dataPath);
  const backend = await startBackend('wasm');
  if (!backend.ok) throw new Error(`the wasm backend did not start: ${backend.reason}`);
  const probe = options.pytorch ? probeTorch(options.python) : undefined;
  const pytorchSkipped = !options.pytorch
    ? 'skipped (--no-pytorch)'
    : probe && !probe.ok
      ? probe.reason
      : undefined;
  const cnnkitRuns: RecipeRunResult[] = [];
  const pytorchRuns: RecipeRunResult[] = [];
  for (const seed of options.seeds) {
    io.log(`cnnkit, seed ${seed}: ${settings.epochs} epochs of batch ${settings.batchSize}`);
    const cnnkit = await runCnnkit(settings, options, data, seed);
    cnnkitRuns.push(cnnkit);
    io.log(
      `cnnkit, seed ${seed}: ${(100 * cnnkit.accuracy).toFixed(2)} % in ${(cnnkit.trainSeconds / 60).toFixed(1)} min`,
    );
    if (pytorchSkipped === undefined) {
      io.log(`PyTorch, seed ${seed}`);
      const torch = await runPytorch(settings, options, dataPath, seed);
      pytorchRuns.push(torch);
      io.log(
        `PyTorch, seed ${seed}: ${(100 * torch.accuracy).toFixed(2)} % in ${(torch.trainSeconds / 60).toFixed(1)} min`,
      );
    }
  }
  const torchDetail =
    probe?.ok === true ? `torch ${probe.version}, ${options.torchThreads} threads` : '';
  return {
    command: io.command,
    settings,
    data: dataPath,
    targets: options.targets,
    runners: [
      summarise('cnnkit', `wasm: ${backend.detail}`, cnnkitRuns, options.targets),
      ...(pytorchRuns.length > 0
        ? [summarise('pytorch', torchDetail, pytorchRuns, options.targets)]
        : []),
    ],
    ...(pytorchSkipped === undefined ? {} : { pytorchSkipped }),
    cnnkitPeakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
