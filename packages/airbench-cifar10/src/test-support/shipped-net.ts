// tfjs-core first: @cnnkit/tfjs-gradients loads tfjs-core's per-file modules, which must find
// the engine the package's own entry created.
import '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { DataLoader, type ImageDataset } from '@cnnkit/datasets';
import { AirbenchNet } from '@cnnkit/models';
import { evalTransformFor, RECIPES } from '@cnnkit/recipes';
import { evaluate } from '@cnnkit/trainer';
import { startWasmTraining } from '@cnnkit/wasm-kernels/node';
import { AIRBENCH_CIFAR10 } from '../weights-facts.js';
import { airbenchCifar10WeightsPath } from '../weights-path.js';

/** The shipped weights in an AirbenchNet on the wasm backend with cnnkit's kernels. */
export async function loadShippedNet(): Promise<AirbenchNet> {
  await startWasmTraining({ threads: 1 });
  const net = AirbenchNet.create({ seed: 0, widths: AIRBENCH_CIFAR10.widths });
  net.loadWeights(await readFile(airbenchCifar10WeightsPath()));
  return net;
}

/** Correct predictions on `test` with and without the recipe's test-time augmentation. */
export async function correctPredictions(
  net: AirbenchNet,
  test: ImageDataset,
): Promise<{ withTta: number; withoutTta: number }> {
  const loader = new DataLoader(test, {
    batchSize: 500,
    transform: evalTransformFor(RECIPES.fast),
  });
  const count = async (tta: 'none' | 'mirror-translate') => {
    const result = await evaluate(net, loader, { numClasses: 10, testTimeAugmentation: tta });
    return Math.round(result.accuracy * test.count);
  };
  return { withTta: await count('mirror-translate'), withoutTta: await count('none') };
}
