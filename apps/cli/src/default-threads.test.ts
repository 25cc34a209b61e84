import { describe, expect, it } from 'vitest';
import { defaultTrainingThreads, smallBatchSize } from './default-threads.js';

describe('defaultTrainingThreads', () => {
  it('trains small batches on one thread and larger ones on every core', () => {
    expect(defaultTrainingThreads(1, 8)).toBe(1);
    expect(defaultTrainingThreads(4, 2)).toBe(1);
    expect(defaultTrainingThreads(smallBatchSize - 1, 8)).toBe(1);
    expect(defaultTrainingThreads(smallBatchSize, 8)).toBe(8);
    expect(defaultTrainingThreads(512, 2)).toBe(2);
  });
});
