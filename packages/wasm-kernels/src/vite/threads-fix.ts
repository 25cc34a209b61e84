/** tfjs-backend-wasm's multi-threaded Emscripten module (its pthread workers run this code). */
const threadedFactory = /tfjs-backend-wasm-threaded-simd\.js$/;
const closureDeclaration = 'var _scriptDir = typeof document';

/**
 * tfjs-backend-wasm's threaded module with the fix that keeps it working after minification, or
 * undefined for any other module.
 *
 * tfjs starts its pthread workers from `factory.toString()`, so the factory function must make
 * sense on its own. It reads `_scriptDir`, a variable of the closure around it, only behind
 * `typeof _scriptDir !== "undefined"`; a minifier that sees the variable declared drops that
 * guard and renames it, and every pthread worker dies with "e is not defined" (threads never
 * start). Declaring `_scriptDir` on `globalThis` instead makes it a free global the minifier
 * must leave alone; nothing else changes. Throws when the code no longer has exactly one such
 * declaration, i.e. tfjs-backend-wasm changed and the fix must be checked again.
 */
export function fixThreadedFactory(code: string, id: string): string | undefined {
  const [path = '', query] = id.split('?');
  // Vite <= 7 (Rollup's commonjs plugin) also passes its proxy modules of the file through
  // transform, under `?commonjs-…` ids; they hold an import of the file, not its code.
  if (!threadedFactory.test(path) || query?.startsWith('commonjs-')) return undefined;
  const count = code.split(closureDeclaration).length - 1;
  if (count !== 1) {
    throw new Error(
      `${id}: expected one "${closureDeclaration}", found ${count}: tfjs-backend-wasm changed, and the threads fix of @cnnkit/wasm-kernels/vite (src/vite/threads-fix.ts) must be updated for it.`,
    );
  }
  return code.replace(closureDeclaration, 'globalThis._scriptDir = typeof document');
}
