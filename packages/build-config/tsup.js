// One build for every library: ESM + .d.ts, one output per entry, peer and regular
// dependencies left external — deep imports such as `@tensorflow/tfjs-core/dist/…` included,
// so no dist file carries a copy of a dependency's code (describeBuiltPackage checks it). The
// gradients tfjs-core's Node build lacks come from @cnnkit/tfjs-gradients at run time.
import { defineConfig } from 'tsup';

/**
 * @param {{ entry: Record<string, string>, platform?: 'node' | 'neutral' | 'browser' }} options
 */
export function libraryConfig({ entry, platform = 'neutral' }) {
  return defineConfig({
    entry,
    format: ['esm'],
    platform,
    target: 'es2022',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    outDir: 'dist',
    external: [/^@tensorflow\//],
  });
}

/**
 * A Node command-line program: one executable ESM file with a shebang; dependencies stay
 * external, as in the libraries.
 *
 * @param {{ entry: Record<string, string> }} options
 */
export function nodeBinConfig({ entry }) {
  return defineConfig({
    entry,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    clean: true,
    banner: { js: '#!/usr/bin/env node' },
    external: [/^@tensorflow\//],
  });
}
