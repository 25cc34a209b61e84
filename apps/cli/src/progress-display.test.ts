import { describe, expect, it } from 'vitest';
import { createLineProgress } from './progress-display.js';

describe('createLineProgress', () => {
  it('prints every N batches and at the end of each epoch', () => {
    const lines: string[] = [];
    const progress = createLineProgress((l) => lines.push(l), 2);
    for (let batch = 1; batch <= 5; batch++) {
      progress.update({
        epoch: 1,
        epochs: 2,
        batch,
        batchesPerEpoch: 5,
        imagesPerSecond: 123.4,
        loss: 2.5,
      });
    }
    expect(lines).toEqual([
      'epoch 1/2 batch 2/5 (40%) 123 img/s loss 2.500',
      'epoch 1/2 batch 4/5 (80%) 123 img/s loss 2.500',
      'epoch 1/2 batch 5/5 (100%) 123 img/s loss 2.500',
    ]);
  });
});
