import { libraryConfig } from '@cnnkit/build-config/tsup';

export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    vite: 'src/vite.ts',
    'wasm-paths': 'src/wasm-paths.ts',
  },
});
