import { defineConfig } from 'vitest/config';

// Real-data and slow tests are named `*.slow.test.ts`; they run only with
// CNNKIT_SLOW_TESTS=1 (set by .ci/run when ../shared data exists), so `pnpm test` stays
// quick on a user's clone.
const runSlowTests = process.env.CNNKIT_SLOW_TESTS === '1';

export function packageTestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      exclude: runSlowTests ? ['**/node_modules/**'] : ['**/node_modules/**', 'src/**/*.slow.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
