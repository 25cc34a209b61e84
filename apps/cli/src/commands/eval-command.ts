import { DataLoader } from '@cnnkit/datasets';
import { evalTransformFor } from '@cnnkit/recipes';
import { evaluate } from '@cnnkit/trainer';
import { selectBackend } from '../backend.js';
import type { EvalOptions } from '../cli-program.js';
import { loadData } from '../data-source.js';
import { loadTrainedModel } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';
import { formatConfusionMatrix, formatEvaluation, perClassRecord } from '../run-summary.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/** `cnnkit eval`: accuracy, per-class accuracy and confusion matrix of weights on the test set. */
export async function evalCommand(options: EvalOptions): Promise<void> {
  const backend = await selectBackend({ requested: options.backend, log: notify });
  const { model, settings, runRecord } = await loadTrainedModel(options.weights);
  if (runRecord) {
    notify(
      `${settings.model} with the settings of ${runRecord} (${settings.normalization} normalisation, test-time augmentation ${settings.tta})`,
    );
  }
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
    transform: evalTransformFor(settings),
  });
  const result = await evaluate(model, testData, {
    numClasses: model.numClasses,
    ...(settings.tta === 'none' ? {} : { testTimeAugmentation: settings.tta }),
  });
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
        model: settings.model,
        testTimeAugmentation: settings.tta,
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${formatEvaluation(result, classNames)}\n${formatConfusionMatrix(result.confusionMatrix, classNames)}\n` +
        `${result.imagesPerSecond.toFixed(0)} images/s on ${backend.name}\n`,
    );
  }
}
