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
    vi.advanceTimersByTime(2000);
    progress.batchEnded(batchEnd(0, 8)); // 2 s after the restart: posted at once
    expect(posted.at(-1)).toMatchObject({ steps: [1], imagesPerSecond: 4 });
  } finally {
    vi.useRealTimers();
  }
});

test("the test evaluation before an epoch's end does not show as a drop in speed", () => {
  vi.useFakeTimers();
  try {
    const posted: WorkerEvent[] = [];
    const progress = new ProgressReporter((event) => posted.push(event), 4);
    // 4 images every 100 ms: 40 images/s.
    for (let batch = 0; batch < 4; batch++) {
      vi.advanceTimersByTime(100);
      progress.batchEnded(batchEnd(batch, 4));
    }
    vi.advanceTimersByTime(3000); // the trainer evaluates the test set, then reports the epoch
    progress.flush();
    progress.restartClock();
    for (let batch = 0; batch < 3; batch++) {
      vi.advanceTimersByTime(100);
      progress.batchEnded(batchEnd(batch, 4));
    }
    const speeds = posted.map((event) => (event.type === 'progress' ? event.imagesPerSecond : -1));
    // The post at the epoch's end covers 100 ms, too short to measure: its batch counts in
    // the next post's speed, with its time.
    expect(speeds).toEqual([40, undefined, 40]);
    expect(posted.map((event) => (event.type === 'progress' ? event.steps : []))).toEqual([
      [1, 2, 3],
      [4],
      [1, 2, 3],
    ]);
    expect(progress.averageImagesPerSecond).toBe(40);
  } finally {
    vi.useRealTimers();
  }
});

test('the average speed counts training time only, across pauses and evaluations', () => {
  vi.useFakeTimers();
  try {
    const progress = new ProgressReporter(() => {}, 100);
    expect(progress.averageImagesPerSecond).toBe(0);
    vi.advanceTimersByTime(1000);
    progress.batchEnded(batchEnd(0, 10)); // 10 images in 1 s
    progress.flush();
    vi.advanceTimersByTime(60_000); // paused
    progress.restartClock();
    vi.advanceTimersByTime(1000);
    progress.batchEnded(batchEnd(1, 30)); // 30 images in 1 s
    vi.advanceTimersByTime(5000); // evaluating
    progress.flush();
    progress.flush(); // nothing new: changes nothing
    expect(progress.averageImagesPerSecond).toBe(20);
  } finally {
    vi.useRealTimers();
  }
});

test("an epoch's last batch, settled right after the one before it, shows no peak in speed", () => {
  vi.useFakeTimers();
  try {
    const posted: WorkerEvent[] = [];
    const progress = new ProgressReporter((event) => posted.push(event), 4);
    // 4 images every 100 ms, but the pipelined trainer reports the last batch 1 ms after the
    // third: before, that post said 4 images in 1 ms, 4,000 images/s.
    for (let batch = 0; batch < 3; batch++) {
      vi.advanceTimersByTime(100);
      progress.batchEnded(batchEnd(batch, 4));
    }
    vi.advanceTimersByTime(1);
    progress.batchEnded(batchEnd(3, 4));
    progress.flush();
    progress.restartClock();
    vi.advanceTimersByTime(299);
    progress.batchEnded(batchEnd(0, 8));
    const speeds = posted.flatMap((event) =>
      event.type === 'progress' && event.imagesPerSecond !== undefined
        ? [event.imagesPerSecond]
        : [],
    );
    expect(speeds).toEqual([40, 40]);
  } finally {
    vi.useRealTimers();
  }
});
