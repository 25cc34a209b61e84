import { packageTestConfig } from '@cnnkit/build-config/vitest';

export default packageTestConfig({ setupFiles: ['src/test-support/no-tensor-leaks.ts'] });
