import type { BatchSource, ImageBatch, TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';

/** A "model" whose logits are its 1×1×numClasses input pixels, so predictions are known. */
function identityClassifier(numClasses: number): TrainableClassifier {
  return {
    numClasses,
    parameters: [],
    logits: (images) => tf.reshape(images, [images.shape[0], numClasses]),
    saveWeights: () => new Uint8Array(),
    loadWeights: () => undefined,
    dispose: () => undefined,
  };
}

/** Batches of 1×1×C images from rows of logits. */
function sourceOf(rows: number[][], labels: number[], batchSize: number): BatchSource {
  const channels = (rows[0] as number[]).length;
  return {
    batchesPerEpoch: Math.ceil(rows.length / batchSize),
    imagesPerEpoch: rows.length,
    async *batches(): AsyncIterable<ImageBatch> {
      for (let start = 0; start < rows.length; start += batchSize) {
        const part = rows.slice(start, start + batchSize);
        yield {
          pixels: Float32Array.from(part.flat()),
          labels: Int32Array.from(labels.slice(start, start + batchSize)),
          size: part.length,
          height: 1,
          width: 1,
          channels,
        };
      }
    },
  };
}

describe.each(TEST_BACKENDS)('evaluate (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // Predictions (argmax of each row): 0, 1, 1, 2, 2 for true labels 0, 1, 0, 2, 1.
  const rows = [
    [3, 1, 0],
    [0, 2, 1],
    [1, 4, 0],
    [0, 0, 1],
    [2, 1, 5],
  ];
  const labels = [0, 1, 0, 2, 1];

  it('measures accuracy, per-class accuracy and the confusion matrix of a known case', async () => {
    const result = await evaluate(identityClassifier(3), sourceOf(rows, labels, 2), {
      numClasses: 3,
    });
    expect(result.count).toBe(5);
    expect(result.accuracy).toBeCloseTo(3 / 5, 12);
    expect(result.perClassAccuracy).toEqual([0.5, 0.5, 1]);
    expect(result.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const expectedLoss =
      rows.reduce((sum, row, i) => {
        const logSumExp = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
        return sum + logSumExp - (row[labels[i] as number] as number);
      }, 0) / rows.length;
    expect(result.loss).toBeCloseTo(expectedLoss, 5);
    expect(result.imagesPerSecond).toBeGreaterThan(0);
  });

  it('gives null accuracy for a class without images', async () => {
    const result = await evaluate(identityClassifier(3), sourceOf(rows.slice(0, 2), [0, 1], 4), {
      numClasses: 3,
    });
    expect(result.perClassAccuracy).toEqual([1, 1, null]);
  });

  it('rejects an empty source and labels out of range, naming the value', async () => {
    await expect(
      evaluate(identityClassifier(3), sourceOf([[0, 0, 0]], [7], 1), { numClasses: 3 }),
    ).rejects.toThrow(/Label 7 at position 0 of a batch is outside \[0, 3\)/);
    const empty: BatchSource = {
      batchesPerEpoch: 0,
      imagesPerEpoch: 0,
      async *batches() {},
    };
    await expect(evaluate(identityClassifier(3), empty, { numClasses: 3 })).rejects.toThrow(
      /no batches/,
    );
  });

  it('runs its TSDoc example', async () => {
    const model = identityClassifier(3);
    const testData = sourceOf(rows, labels, 2);
    const result = await evaluate(model, testData, { numClasses: 3 });
    expect(`accuracy ${(100 * result.accuracy).toFixed(1)} %`).toBe('accuracy 60.0 %');
  });
});
