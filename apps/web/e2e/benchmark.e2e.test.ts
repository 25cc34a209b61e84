import { expect, test } from 'vitest';
import type { WorkerResults } from '../src/protocol.js';
import { useDemoPage } from './support/demo-page.js';

// The worker's `benchmark` request as bench-browser.mjs sends it: that it trains and counts,
// never how fast.

const demo = useDemoPage({ query: '?debug' });

interface BenchmarkRequest {
  readonly backend: string;
  readonly recipe?: 'tutorial' | 'fast';
  readonly batchSize: number;
  readonly warmupSteps: number;
  readonly seconds: number;
}

function benchmark(request: BenchmarkRequest): Promise<WorkerResults['benchmark']> {
  return demo().opened.page.evaluate(
    (options) =>
      (
        window as unknown as {
          cnnkitDebug: {
            benchmark(options: BenchmarkRequest): Promise<WorkerResults['benchmark']>;
          };
        }
      ).cnnkitDebug.benchmark(options),
    request,
  );
}

test('times the fast recipe (AirbenchNet) on wasm: 3 steps after the warm-up', async () => {
  const result = await benchmark({
    backend: 'wasm',
    recipe: 'fast',
    batchSize: 16,
    warmupSteps: 1,
    seconds: 0,
  });
  expect(result.recipe).toBe('fast');
  expect(result.batchSize).toBe(16);
  expect(result.steps).toBe(3);
  expect(result.seconds).toBeGreaterThan(0);
  expect(result.imagesPerSecond).toBeCloseTo((3 * 16) / result.seconds, 6);
  expect(result.threads).toBeGreaterThanOrEqual(1);
  expect(demo().opened.errors).toEqual([]);
});

test('times the tutorial recipe (SimpleCNN) when no recipe is named', async () => {
  const result = await benchmark({ backend: 'wasm', batchSize: 4, warmupSteps: 1, seconds: 0 });
  expect(result.recipe).toBe('tutorial');
  expect(result.steps).toBe(3);
  expect(result.imagesPerSecond).toBeGreaterThan(0);
  expect(demo().opened.errors).toEqual([]);
});
