import { libraryConfig } from '@cnnkit/build-config/tsup';

export default libraryConfig({ entry: { browser: 'src/browser.ts', node: 'src/node.ts' } });
