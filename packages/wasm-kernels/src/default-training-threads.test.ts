import { describe, expect, it } from 'vitest';
import { defaultTrainingThreads, smallBatchSize } from './default-training-threads.js';

describe('defaultTrainingThreads', () => {
  it('trains small batches on one thread and larger ones on every core', () => {
    expect(defaultTrainingThreads(1, 8)).toBe(1);
    expect(defaultTrainingThreads(4, 2)).toBe(1);
    expect(defaultTrainingThreads(smallBatchSize - 1, 8)).toBe(1);
    expect(defaultTrainingThreads(smallBatchSize, 8)).toBe(8);
    expect(defaultTrainingThreads(512, 2)).toBe(2);
  });
});

describe('defaultTrainingThreads on a device that reports no cores', () => {
  it('still gives one thread', () => {
    expect(defaultTrainingThreads(64, 0)).toBe(1);
  });
});
