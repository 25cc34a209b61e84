import { UserError } from './user-errors.js';

// What the wasm backend throws when its heap (at most 4 GB) is full: malloc fails and the
// next access traps, or emscripten cannot grow the memory.
const WASM_OUT_OF_MEMORY = /memory access out of bounds|Cannot enlarge memory|Out of memory/i;

/**
 * A one-line explanation when `error` is the wasm backend running out of memory during a
 * training step; undefined for any other error. The run cannot continue (the heap is
 * damaged, and a resumed run keeps its batch size), so it says to start over smaller.
 *
 * @example
 * ```ts
 * outOfMemoryError(new Error('RuntimeError: memory access out of bounds'), { backend: 'wasm', batchSize: 1024, dir: 'runs/x' });
 * // UserError: the wasm backend ran out of memory (at most 4 GB) training batches of 1024 …
 * ```
 */
export function outOfMemoryError(
  error: unknown,
  run: { readonly backend: string | undefined; readonly batchSize: number; readonly dir: string },
): UserError | undefined {
  if (run.backend !== 'wasm' || !(error instanceof Error)) return undefined;
  if (!WASM_OUT_OF_MEMORY.test(`${error.name}: ${error.message}`)) return undefined;
  const smaller = Math.max(1, Math.floor(run.batchSize / 2));
  return new UserError(
    `the wasm backend ran out of memory (at most 4 GB) training batches of ${run.batchSize} in ${run.dir}; ` +
      `start a new run with a smaller --batch-size (e.g. --batch-size ${smaller}) and --out <new dir>.`,
  );
}
