import { activateBackend } from './activate-backend.js';
import type { BackendCandidate } from './backend-candidate.js';

// Node's global, declared for the one property used: the package's sources compile without
// Node's types, so that nothing Node-only slips into the browser entry unnoticed.
declare const process: { env: Record<string, string | undefined> };

// A variable, not a literal: @tensorflow/tfjs-node is an optional dependency whose install
// downloads libtensorflow (it needs internet), so neither tsc nor a bundler may require it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';

type VersionExport = { readonly version?: Readonly<Record<string, string>> };

/**
 * The tensorflow backend of `@tensorflow/tfjs-node` (libtensorflow through N-API, the fastest
 * in Node), priority 4. tfjs-node is an optional dependency you add yourself
 * (`npm install @tensorflow/tfjs-node`; its install downloads libtensorflow). By default it is
 * imported from here (it is an optional peer dependency of this package); pass `load` to
 * import it from your own package instead, e.g. in a pnpm workspace where only your app
 * declares it. libtensorflow's CPU-feature notices on stderr are turned off
 * (`TF_CPP_MIN_LOG_LEVEL=2` unless set).
 *
 * @example
 * ```ts
 * const tensorflow = tensorflowCandidate();
 * tensorflow.priority; // 4
 * // Where tfjs-node is not installed (or not built), start() says so:
 * const outcome = await tensorflow.start().then(
 *   (description) => description.detail,
 *   (error: Error) => error.message,
 * );
 * console.log(outcome);
 * ```
 */
export function tensorflowCandidate(
  load: () => Promise<unknown> = () => import(tfjsNodeModule),
): BackendCandidate {
  return {
    name: 'tensorflow',
    priority: 4,
    hint:
      'Install it with `npm install @tensorflow/tfjs-node` (needs internet; if it is installed, ' +
      'run `npm rebuild @tensorflow/tfjs-node`).',
    async start() {
      // Read by libtensorflow when it loads, so it has to be set before the import.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // Importing it registers the 'tensorflow' backend.
      const tfjsNode = (await load()) as VersionExport & { readonly default?: VersionExport };
      const version =
        (tfjsNode.version ?? tfjsNode.default?.version)?.['tfjs-node'] ?? 'unknown version';
      await activateBackend('tensorflow');
      return { version, detail: `@tensorflow/tfjs-node ${version} (libtensorflow)` };
    },
  };
}
