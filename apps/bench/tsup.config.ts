import { nodeBinConfig } from '@cnnkit/build-config/tsup';

export default nodeBinConfig({
  entry: { bin: 'src/bin.ts', 'replica-thread': 'src/replica-thread.ts' },
});
