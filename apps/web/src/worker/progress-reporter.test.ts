import type { BatchEndEvent } from '@cnnkit/contracts';
import { expect, test, vi } from 'vitest';
import type { WorkerEvent } from '../protocol.js';
import { ProgressReporter } from './progress-reporter.js';

function batchEnd(batch: number, batchSize: number): BatchEndEvent {
  return {
    type: 'batch-end',
    epoch: 0,
    batch,
    batchSize,
    step: batch + 1,
    loss: 2 - batch / 10,
    imagesPerSecond: 100,
  };
}

test("posts the batches since the last post, counting each batch's own size", () => {
  vi.useFakeTimers();
  try {
    const posted: WorkerEvent[] = [];
    const progress = new ProgressReporter((event) => posted.push(event), 3);
    progress.batchEnded(batchEnd(0, 4));
    progress.batchEnded(batchEnd(1, 4));
    expect(posted).toEqual([]); // fewer than 250 ms: collected, not posted
    vi.advanceTimersByTime(1000);
    // The epoch's last batch is smaller (10 images in batches of 4).
    progress.batchEnded(batchEnd(2, 2));
    expect(posted).toEqual([
      {
        type: 'progress',
        steps: [1, 2, 3],
        losses: [2, 1.9, 1.8],
        imagesPerSecond: 10,
        epoch: 0,
        batch: 3,
        batchesPerEpoch: 3,
      },
    ]);
    expect(progress.lastStep).toBe(3);
  } finally {
    vi.useRealTimers();
  }
});

test('does not count paused time as training time', () => {
  vi.useFakeTimers();
  try {
    const posted: WorkerEvent[] = [];
    const progress = new ProgressReporter((event) => posted.push(event), 10);
    progress.flush();
    vi.advanceTimersByTime(60_000); // paused for a minute
    progress.restartClock();
    progress.batchEnded(batchEnd(0, 8));
    vi.advanceTimersByTime(2000);
    progress.flush();
    expect(posted.at(-1)).toMatchObject({ steps: [1], imagesPerSecond: 4 });
  } finally {
    vi.useRealTimers();
  }
});
