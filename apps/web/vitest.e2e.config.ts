import { defineConfig } from 'vitest/config';

// Browser tests against the production build (dist/) in Debian's Chromium; see e2e/README
// in apps/web/README.md. One file at a time: the machine has two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
