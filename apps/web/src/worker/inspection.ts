import type { EvaluationResult } from '@cnnkit/contracts';
import { DataLoader, tutorialTransform } from '@cnnkit/datasets';
import { evaluate } from '@cnnkit/trainer';
import type { EvaluationSummary, Inspection } from '../protocol.js';
import { filterImages } from './filter-images.js';
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
 * unless given), the first test images with their top-3, and conv1's filters.
 */
export async function inspect(
  session: WorkerSession,
  evaluation?: EvaluationSummary,
): Promise<Inspection> {
  const { test } = session.requireData();
  const model = session.currentModel();
  const summary =
    evaluation ??
    summariseEvaluation(
      await evaluate(
        model,
        new DataLoader(test, { batchSize: 500, transform: tutorialTransform() }),
        { numClasses: model.numClasses },
      ),
    );
  const shown = firstImages(test, INSPECT_IMAGES);
  const tops = await predictTopK(model, shown);
  const imageBytes = 32 * 32 * 3;
  const conv1 = model.parameters.find((p) => p.name === 'conv1.weight')?.variable;
  if (!conv1) throw new Error('SimpleCNN has no conv1.weight');
  const filters = filterImages(
    (await conv1.data()) as Float32Array,
    conv1.shape as [number, number, number, number],
  );
  return {
    evaluation: summary,
    samples: tops.map((top, i) => ({
      pixels: shown.images.slice(i * imageBytes, (i + 1) * imageBytes),
      label: shown.labels[i] as number,
      top,
    })),
    filters,
    filterSize: conv1.shape[0] as number,
  };
}
