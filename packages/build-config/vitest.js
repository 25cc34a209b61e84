import { defineConfig } from 'vitest/config';

// Real-data and long tests are named `*.slow.test.ts`. `pnpm test` runs the others;
// `pnpm test:slow` (CNNKIT_TEST_SET=slow, run by .ci/run when ../shared data exists) runs
// only those, so a user's clone stays quick and CI does not run the fast set twice.
const slowOnly = process.env.CNNKIT_TEST_SET === 'slow';

export function packageTestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: slowOnly ? ['src/**/*.slow.test.ts'] : ['src/**/*.test.ts'],
      exclude: slowOnly ? ['**/node_modules/**'] : ['**/node_modules/**', 'src/**/*.slow.test.ts'],
      passWithNoTests: slowOnly,
      // Generous: several tests train real networks on 2-core CI machines, where a loaded
      // moment stretches a 20 s test past a minute; a real hang still fails.
      testTimeout: 180_000,
      hookTimeout: 180_000,
      ...overrides,
    },
  });
}
