// Finds copies of TensorFlow.js's own code inside built files. Libraries take tfjs-core as a
// peer: a copy in a dist file means two engines' worth of code in a user's bundle and the
// wrong version's behaviour for a user on another tfjs-core.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Identifiers that only tfjs-core's implementation contains (its global engine and registries);
// an import specifier such as '@tensorflow/tfjs-core/dist/register_all_gradients.js' is not code.
const TFJS_CORE_MARKERS = ['_tfengine', 'kernelRegistry', 'gradRegistry'];

/**
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The files under `distDir` that carry TensorFlow.js code, each with why: a tfjs-core marker in
 * a `.js` file, or a source map listing sources from `@tensorflow/` packages.
 *
 * @param {string} distDir
 * @returns {{ file: string, reason: string }[]}
 */
export function findBundledTfjs(distDir) {
  /** @type {{ file: string, reason: string }[]} */
  const found = [];
  for (const file of filesUnder(distDir)) {
    if (/\.(m?js)$/.test(file)) {
      const code = readFileSync(file, 'utf8');
      const marker = TFJS_CORE_MARKERS.find((m) => code.includes(m));
      if (marker) found.push({ file, reason: `contains tfjs-core's "${marker}"` });
    } else if (file.endsWith('.map')) {
      /** @type {{ sources?: string[] }} */
      const { sources = [] } = JSON.parse(readFileSync(file, 'utf8'));
      // tfjs's own source maps name its files `node_modules/.pnpm/tfjs-core/src/…`.
      const tfjs = sources.filter((s) => /@tensorflow[/+]|\btfjs-[a-z-]+\/src\//.test(s));
      if (tfjs.length > 0) {
        found.push({ file, reason: `maps ${tfjs.length} TensorFlow.js source files` });
      }
    }
  }
  return found;
}
