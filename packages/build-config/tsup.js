// One build for every library: ESM + .d.ts, one output per entry, peer and regular
// dependencies left external.
//
// Why the noExternal rule: tfjs-core's CommonJS build (what Node loads) registers almost no
// gradient functions, and its ESM files cannot be imported by Node directly. Importing
// `@tensorflow/tfjs-core/dist/...` deep paths from our source and bundling them here gives one
// file that works in Node and in browsers. The bundled copies reach the same global engine and
// kernel/gradient registries as the user's tfjs-core, the way the @tensorflow/tfjs union
// package does it; the bare `@tensorflow/tfjs-core` import stays external, so there is still
// only one engine.
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
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  });
}

/**
 * A Node command-line program: one executable ESM file with a shebang; the same tfjs-core
 * deep-path bundling as the libraries.
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
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  });
}
