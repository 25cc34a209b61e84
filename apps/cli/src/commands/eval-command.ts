import { compose, DataLoader, normalize, toTensor } from '@cnnkit/datasets';
import { evaluate } from '@cnnkit/trainer';
import { selectBackend } from '../backend.js';
import { inModelClasses } from '../class-mapping.js';
import type { EvalOptions } from '../cli-program.js';
import { loadData } from '../data-source.js';
import { describeSplit } from '../image-folder-report.js';
import { loadModelForWeights, runOfWeights, runWeightsFallback } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';
import { formatConfusionMatrix, formatEvaluation, perClassRecord } from '../run-summary.js';
import { UserError } from '../user-errors.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/**
 * `cnnkit eval`: accuracy, per-class accuracy and confusion matrix of weights on CIFAR-10's
 * test set or an image folder (its val/ folder, or all of it), with the weights' own class
 * names, input size and normalisation.
 */
export async function evalCommand(options: EvalOptions): Promise<void> {
  const backend = await selectBackend({
    requested: options.backend,
    threads: options.threads,
    log: notify,
  });
  // A run's final weights: its test-time augmentation (not in weights metadata) comes from
  // its run.json, as does the model of a file written before weights carried metadata.
  const run = await runOfWeights(options.weights);
  const { model, info } = await loadModelForWeights(
    options.weights,
    run ? runWeightsFallback(run.settings) : {},
  );
  const tta = options.tta ?? run?.settings.tta ?? 'none';
  if (run) {
    notify(
      `${info.model} with the settings of ${run.runRecord} (${run.settings.normalization} normalisation, test-time augmentation ${tta})`,
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
  let result: Awaited<ReturnType<typeof evaluate>>;
  let source: string;
  let split: string | undefined;
  try {
    const loaded = await loadData({
      data: options.data,
      cacheDir: options.cacheDir,
      image: { valSplit: options.valSplit, strict: options.strict },
      imageDefaults: { imageSize: info.inputShape[0], resize: info.resize },
      use: 'evaluation',
      notify,
    });
    source = loaded.source;
    if (loaded.report) {
      split = describeSplit(loaded.report);
      if (loaded.report.split.kind === 'none') {
        notify(
          `evaluating every image of ${source} (it has no val/ folder); --val-split <fraction> evaluates only the part a training run on it held out`,
        );
      }
    }
    const [height, width] = info.inputShape;
    if (loaded.data.test.height !== height || loaded.data.test.width !== width) {
      throw new UserError(
        `${options.weights} takes ${height}×${width} images, but ${source} holds ${loaded.data.test.height}×${loaded.data.test.width} (CIFAR-10); evaluate it on an image folder of its classes (--data <folder>).`,
      );
    }
    const test = inModelClasses(loaded.data.test, info.classNames, {
      weights: options.weights,
      data: source,
    });
    const testData = new DataLoader(test, {
      batchSize: options.batchSize,
      transform: compose(toTensor(), normalize(info.normalize.mean, info.normalize.std)),
    });
    result = await evaluate(model, testData, {
      numClasses: model.numClasses,
      ...(tta === 'none' ? {} : { testTimeAugmentation: tta }),
    });
  } finally {
    model.dispose();
  }
  const classNames = info.classNames;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({
        accuracy: result.accuracy,
        loss: result.loss,
        classNames,
        perClassAccuracy: perClassRecord(classNames, result.perClassAccuracy),
        confusionMatrix: result.confusionMatrix,
        testImages: result.count,
        imagesPerSecond: result.imagesPerSecond,
        backend: backend.name,
        data: source,
        ...(split === undefined ? {} : { split }),
        weights: options.weights,
        model: info.model,
        testTimeAugmentation: tta,
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${formatEvaluation(result, classNames)}\n${formatConfusionMatrix(result.confusionMatrix, classNames)}\n` +
        `${result.imagesPerSecond.toFixed(0)} images/s on ${backend.name}\n`,
    );
  }
}
