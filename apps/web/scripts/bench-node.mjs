#!/usr/bin/env node
// Training speed of a recipe in Node on the wasm backend as the CLI starts it
// (@tensorflow/tfjs-backend-wasm + @cnnkit/wasm-kernels, worker_threads), timed by the code the
// web demo's worker runs for its `benchmark` request (src/worker/benchmark.ts:
// @cnnkit/recipes' timeRecipeTraining on the embedded sample), so bench-browser.mjs can put
// the two side by side. Needs the workspace packages built.
//
//   node scripts/bench-node.mjs --recipe fast --batch 512 --threads 2 --warmup 3 --seconds 20
//
// Prints one JSON line: { recipe, threads, detail, batchSize, steps, seconds, imagesPerSecond }.
// One run per process, so every run starts its backend as a fresh `cnnkit train` does.
import '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import { parseArgs } from 'node:util';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { openCifar10 } from '@cnnkit/datasets/node';
import { recipeSettings, timeRecipeTraining } from '@cnnkit/recipes';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';

const { values } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'tutorial' },
    batch: { type: 'string', default: '64' },
    // Default: the logical cores, as `cnnkit train` and the page.
    threads: { type: 'string', default: '' },
    warmup: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
  },
});
const recipe = /** @type {import('@cnnkit/recipes').RecipeName} */ (values.recipe);
const batchSize = Number(values.batch);

const backend = await startWasmTraining({
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  warn: false,
});
const data = await openCifar10(cifar10SamplePath());
// The settings benchmarkTraining (src/worker/benchmark.ts) makes from the same request.
const settings = recipeSettings(recipe, { batchSize, dropLast: true });
const timing = await timeRecipeTraining(settings, data.train, {
  warmupSteps: Number(values.warmup),
  seconds: Number(values.seconds),
});
console.log(
  JSON.stringify({ recipe, threads: backend.threads, detail: backend.detail, ...timing }),
);
