import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { evaluate } from '@cnnkit/trainer';
import { selectBackend } from '../backend.js';
import type { EvalOptions } from '../cli-program.js';
import { loadData } from '../data-source.js';
import { loadSimpleCnn } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';
import { formatConfusionMatrix, formatEvaluation, perClassRecord } from '../run-summary.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/** `cnnkit eval`: accuracy, per-class accuracy and confusion matrix of weights on the test set. */
export async function evalCommand(options: EvalOptions): Promise<void> {
  const backend = await selectBackend({
    requested: options.backend,
    threads: options.threads,
    log: notify,
  });
  const model = await loadSimpleCnn(options.weights);
  try {
    checkFiniteWeights(options.weights, model.saveWeights(), {
      allow: options.allowNonFinite,
      notify,
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const { data, source } = await loadData({
    data: options.data,
    cacheDir: options.cacheDir,
    notify,
  });
  const testData = new DataLoader(data.test, {
    batchSize: options.batchSize,
    transform: tutorialTransform(),
  });
  const result = await evaluate(model, testData, { numClasses: model.numClasses });
  model.dispose();
  const classNames = data.test.classNames;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({
        accuracy: result.accuracy,
        loss: result.loss,
        perClassAccuracy: perClassRecord(classNames, result.perClassAccuracy),
        confusionMatrix: result.confusionMatrix,
        testImages: result.count,
        imagesPerSecond: result.imagesPerSecond,
        backend: backend.name,
        data: source,
        weights: options.weights,
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${formatEvaluation(result, classNames)}\n${formatConfusionMatrix(result.confusionMatrix, classNames)}\n` +
        `${result.imagesPerSecond.toFixed(0)} images/s on ${backend.name}\n`,
    );
  }
}
