import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { wasmFileNames } from '../wasm-file-names.js';

/**
 * The directory of tfjs-backend-wasm's .wasm files, resolved from this package: the copy its
 * `startWasmTraining()` imports (a peer dependency, so the app's own).
 */
export function tfjsWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new Error(
      `cnnkitWasm(): @tensorflow/tfjs-backend-wasm is not installed (${error instanceof Error ? error.message : String(error)}); install it next to @cnnkit/wasm-kernels.`,
    );
  }
  // Its package.json points `main` at dist/, where the .wasm files are too.
  return dirname(main);
}

/**
 * The code of `@cnnkit/wasm-kernels/wasm-paths` in a Vite app: each .wasm file imported with
 * `?url`, so Vite emits it as an asset (hashed, under the app's base), and the map of absolute
 * URLs `setWasmPaths` takes. Absolute because tfjs-backend-wasm fetches them from workers too.
 */
export function wasmPathsModule(directory: string): string {
  const imports = wasmFileNames.map(
    (name, i) => `import url${i} from ${JSON.stringify(`${join(directory, name)}?url`)};`,
  );
  const entries = wasmFileNames.map(
    (name, i) => `  ${JSON.stringify(name)}: new URL(url${i}, globalThis.location.href).href,`,
  );
  return [...imports, 'export const wasmPaths = {', ...entries, '};', ''].join('\n');
}
