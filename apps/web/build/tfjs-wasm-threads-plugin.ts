import type { Plugin } from 'vite';

const THREADED_FACTORY = /tfjs-backend-wasm-threaded-simd\.js$/;
const CLOSURE_DECLARATION = 'var _scriptDir = typeof document';

/**
 * Keeps tfjs-backend-wasm's multi-threaded build working after minification.
 *
 * tfjs starts its pthread workers from `factory.toString()`, so the factory function must make
 * sense on its own. It reads `_scriptDir`, a variable of the closure around it, only behind
 * `typeof _scriptDir !== "undefined"`; a minifier that sees the variable declared drops that
 * guard and renames it, and every pthread worker dies with "e is not defined" (threads never
 * start). Declaring `_scriptDir` on `globalThis` instead makes it a free global the minifier
 * must leave alone; nothing else changes.
 */
export function tfjsWasmThreadsPlugin(): Plugin {
  return {
    name: 'cnnkit:tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id.split('?')[0] ?? '')) return null;
      const count = code.split(CLOSURE_DECLARATION).length - 1;
      if (count !== 1) {
        throw new Error(
          `${id}: expected one "${CLOSURE_DECLARATION}", found ${count}; tfjs-backend-wasm changed, update apps/web/build/tfjs-wasm-threads-plugin.ts.`,
        );
      }
      return {
        code: code.replace(CLOSURE_DECLARATION, 'globalThis._scriptDir = typeof document'),
        map: null,
      };
    },
  };
}
