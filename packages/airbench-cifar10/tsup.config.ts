import { libraryConfig } from '@cnnkit/build-config/tsup';

export default libraryConfig({ entry: { index: 'src/index.ts', node: 'src/node.ts' } });
