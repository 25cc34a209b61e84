import { packageTestConfig } from '@cnnkit/build-config/vitest';

export default packageTestConfig();
