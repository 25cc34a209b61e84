import type { EvaluationResult } from '@cnnkit/contracts';
import { DataLoader } from '@cnnkit/datasets';
import { describeModel } from '@cnnkit/models';
import { evaluate } from '@cnnkit/trainer';
import type { EvaluationSummary, Inspection } from '../protocol.js';
import { filterImages } from './filter-images.js';
import { evalTransformOf } from './page-model.js';
import { firstImages, predictTopK } from './predictions.js';
import type { WorkerSession } from './worker-session.js';

/** Test images shown with their predictions. */
const INSPECT_IMAGES = 24;

/** An evaluation as the page shows it. */
export function summariseEvaluation(
  result: Omit<EvaluationResult, 'imagesPerSecond'>,
): EvaluationSummary {
  const correct = result.confusionMatrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  return {
    accuracy: result.accuracy,
    loss: result.loss,
    correct,
    count: result.count,
    perClassAccuracy: result.perClassAccuracy,
    confusionMatrix: result.confusionMatrix,
  };
}

/**
 * Everything the inspect panels draw for the session's model: its test evaluation (computed
 * unless given), the first test images with their top-3, and its first convolution's filters.
 */
export async function inspect(
  session: WorkerSession,
  evaluation?: EvaluationSummary,
): Promise<Inspection> {
  const { test } = session.requireData();
  const model = session.currentModel();
  const info = session.currentInfo();
  const transform = evalTransformOf(info);
  const summary =
    evaluation ??
    summariseEvaluation(
      await evaluate(model, new DataLoader(test, { batchSize: 500, transform }), {
        numClasses: model.numClasses,
      }),
    );
  const shown = firstImages(test, INSPECT_IMAGES);
  const tops = await predictTopK(model, shown, transform);
  const imageBytes = 32 * 32 * 3;
  // The first convolution on the RGB input (HWIO in tfjs): what the model looks at first.
  // (AirbenchNet's whitening weight is frozen: a buffer, not a parameter.)
  const first = [...model.parameters, ...(model.buffers ?? [])].find(
    (p) => p.variable.rank === 4 && p.variable.shape[2] === 3,
  );
  if (!first) throw new Error(`${info.model} has no convolution on the RGB input to show`);
  const conv = first.variable;
  const filters = filterImages(
    (await conv.data()) as Float32Array,
    conv.shape as [number, number, number, number],
  );
  return {
    evaluation: summary,
    samples: tops.map((top, i) => ({
      pixels: shown.images.slice(i * imageBytes, (i + 1) * imageBytes),
      label: shown.labels[i] as number,
      top,
    })),
    filters,
    filterSize: conv.shape[0] as number,
    filterLayer: first.name.replace(/\.weight$/, ''),
    modelName: describeModel(info.model).className,
  };
}
